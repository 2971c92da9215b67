// The request paths the in-process benches compare, each built on its own
// sockets: a raw axios POST, that POST inside opossum, and the project's path
// (FleetCircuitBreaker.execute around GenericProvider.charge -> HttpPoolManager.makeRequest).
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import { dep, lib } from './project.mjs';

const axios = dep('axios');
// opossum is a root devDependency (the reference breaker), not a functions dependency.
const CircuitBreaker = createRequire(import.meta.url)('opossum');
const { HttpPoolManager } = lib('resilience/http/httpPool.js');
const { FleetCircuitBreaker } = lib('resilience/breaker/circuitBreaker.js');
const { MemoryBreakerStore } = lib('resilience/breaker/breakerStore.js');
const { GenericProvider } = lib('payments/provider/genericProvider.js');
const { PAYMENT_SERVICE } = lib('payments/provider/paymentProvider.js');
const { classifyAttempt } = lib('payments/paymentHandler.js');

export { FleetCircuitBreaker, HttpPoolManager, MemoryBreakerStore, PAYMENT_SERVICE, classifyAttempt };

/** The app's settings (functions/.env): VUE_APP_MAX_CONNECTIONS, VUE_APP_PAYMENT_TIMEOUT, CIRCUIT_*. */
export const SETTINGS = {
  maxSockets: 10,
  attemptTimeoutMs: 5000,
  breaker: {
    failureThreshold: 50,
    minCalls: 5,
    windowMs: 10_000,
    openMs: 30_000,
    halfOpenProbes: 1,
    probeLeaseMs: 10_000,
  },
};

/** Agent options HttpPoolManager uses (httpPool.ts), for the raw baselines. */
export const POOL_AGENT_OPTIONS = {
  keepAlive: true,
  maxSockets: SETTINGS.maxSockets,
  scheduling: 'lifo',
  timeout: 4000,
};

/** A charge body with a fresh transactionId (the simulator stores every charge: reset it between runs). */
export function chargeBody(tag, i) {
  return { amount: 1999, currency: 'USD', paymentMethod: 'credit_card', transactionId: `${tag}_${i}` };
}

/** A raw axios POST /charge on its own agent; resolves when the provider charged. */
export function rawAxios(url, apiKey, agentOptions = POOL_AGENT_OPTIONS, extraHeaders = {}, ca = undefined) {
  // An https URL gets an https.Agent trusting `ca` (the TLS simulator's generated CA).
  const agent = url.startsWith('https:') ? new https.Agent({ ...agentOptions, ca }) : new http.Agent(agentOptions);
  const client = axios.create({
    baseURL: url,
    headers: { Authorization: `Bearer ${apiKey}`, ...extraHeaders },
    httpAgent: agent,
    httpsAgent: agent,
    proxy: false,
    maxRedirects: 0,
    timeout: SETTINGS.attemptTimeoutMs,
  });
  const post = async (body) => {
    const res = await client.post('/charge', body, { headers: { 'Idempotency-Key': body.transactionId } });
    if (res.status !== 201) throw new Error(`unexpected status ${res.status}`);
    return res.data;
  };
  return { post, destroy: () => agent.destroy() };
}

/** The raw POST wrapped in an opossum breaker with the app's breaker settings. */
export function opossum(url, apiKey) {
  const raw = rawAxios(url, apiKey);
  const b = SETTINGS.breaker;
  const breaker = new CircuitBreaker(raw.post, {
    timeout: SETTINGS.attemptTimeoutMs,
    errorThresholdPercentage: b.failureThreshold,
    volumeThreshold: b.minCalls,
    rollingCountTimeout: b.windowMs,
    resetTimeout: b.openMs,
  });
  return { post: (body) => breaker.fire(body), destroy: () => (breaker.shutdown(), raw.destroy()) };
}

/** The payment provider on its own pool, set up like app/runtime.ts sets up the payment-service client. */
export function projectProvider(url, apiKey, ca = undefined) {
  const pool = new HttpPoolManager();
  const provider = new GenericProvider(pool, {
    baseUrl: url,
    apiKey,
    maxSockets: SETTINGS.maxSockets,
    attemptTimeoutMs: SETTINGS.attemptTimeoutMs,
    ...(ca ? { ca } : {}),
  });
  return { pool, provider };
}

/** One charge attempt of `body` (a {@link chargeBody}) with the transactionId as reference, like the handler's. */
export function sendCharge(provider, body, timeoutMs) {
  return provider.charge(body.transactionId, { ...body, uid: 'bench' }, timeoutMs);
}

/** The pool alone: `HttpPoolManager.makeRequest` of the charge, as GenericProvider sends it, without the provider. */
export function poolPath(url, apiKey) {
  const { pool } = projectProvider(url, apiKey);
  const post = async (body) => {
    const config = { method: 'POST', url: '/charge', data: body, headers: { 'Idempotency-Key': body.transactionId } };
    const res = await pool.makeRequest(PAYMENT_SERVICE, config, { timeoutMs: SETTINGS.attemptTimeoutMs });
    if (res.status !== 201) throw new Error(`unexpected status ${res.status}`);
    return res.data;
  };
  return { post, destroy: () => pool.destroy() };
}

/** The provider on its pool (GenericProvider.charge), without the breaker. */
export function providerPath(url, apiKey) {
  const { pool, provider } = projectProvider(url, apiKey);
  const post = async (body) => {
    const answer = await sendCharge(provider, body, SETTINGS.attemptTimeoutMs);
    if (answer.kind !== 'succeeded') throw new Error(`unexpected answer ${answer.kind}`);
    return answer;
  };
  return { post, destroy: () => pool.destroy() };
}

/**
 * The project's path of one payment attempt: the fleet breaker (MemoryBreakerStore,
 * so no Firestore) around sendCharge with its deadline, classified like the handler does.
 */
export function projectPath(url, apiKey, { store = new MemoryBreakerStore(), breakerOptions = {} } = {}) {
  const { pool, provider } = projectProvider(url, apiKey);
  const breaker = new FleetCircuitBreaker(PAYMENT_SERVICE, store, { ...SETTINGS.breaker, ...breakerOptions });
  const attempt = (body) =>
    breaker.execute(() => sendCharge(provider, body, SETTINGS.attemptTimeoutMs), classifyAttempt);
  const post = async (body) => {
    const answer = await attempt(body);
    if (answer.kind !== 'succeeded') throw new Error(`unexpected answer ${answer.kind}`);
    return answer;
  };
  return { post, attempt, pool, breaker, destroy: () => pool.destroy() };
}
