/**
 * StripeProvider under Stripe's failure answers and transport faults, against
 * the Stripe fake over real HTTP through the real stripe SDK, and its traffic
 * as the HTTP pool manager measures it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { HttpPoolManager } from '../../resilience/http/index.js';
import { stripeRequest, useStripeFake, useStripeProvider } from '../../webhooks/testing/stripeFake.js';
import { PAYMENT_SERVICE } from './paymentProvider.js';
import { holdsSettleWindow, mayBeCharged } from './paymentProvider.js';
import { NO_RETRY_MS } from './stripeAnswers.js';
import { StripePrepareError, StripeProvider } from './stripeProvider.js';

const KEY = 'sk_test_faults_secret';
const fake = useStripeFake(KEY);
const world = useStripeProvider(fake, KEY);
let http: HttpPoolManager;
let provider: StripeProvider;
beforeEach(() => ({ http, provider } = world()));

const request = stripeRequest;

describe('answers of failure', () => {
  it('a 500 saved after executing is not retryable: the retrieve tells what happened', async () => {
    const req = request('tx-500');
    const ref = await provider.prepare(req, 2000);
    fake().setFaults({ mode: 'error-after', endpoint: 'confirm', count: 1 });
    const answer = await provider.charge(ref, req, 2000);
    expect(answer).toEqual({ kind: 'server-error', httpStatus: 500, retryable: false });
    expect(mayBeCharged(answer)).toBe(true);
    expect(await provider.charge(ref, req, 2000)).toEqual(answer);
    expect(await provider.lookup(ref, req, 2000)).toMatchObject({ kind: 'found', charge: { kind: 'succeeded' } });
  });

  it('a 500 before executing says Stripe-Should-Retry: true, and the next attempt charges', async () => {
    const req = request('tx-500b');
    const ref = await provider.prepare(req, 2000);
    fake().setFaults({ mode: 'error-before', endpoint: 'confirm', count: 1 });
    expect(await provider.charge(ref, req, 2000)).toEqual({ kind: 'server-error', httpStatus: 500, retryable: true });
    expect(await provider.charge(ref, req, 2000)).toMatchObject({ kind: 'succeeded' });
  });

  it('429: rate-limited after Retry-After, or per Stripe-Should-Retry', async () => {
    const req = request('tx-429');
    const ref = await provider.prepare(req, 2000);
    fake().setFaults({ mode: 'rate-limit', endpoint: 'confirm', retryAfterSec: 2 });
    expect(await provider.charge(ref, req, 2000)).toEqual({ kind: 'rate-limited', retryAfterMs: 2000 });
    fake().setFaults({ mode: 'rate-limit', endpoint: 'confirm', shouldRetry: false });
    expect(await provider.charge(ref, req, 2000)).toEqual({ kind: 'rate-limited', retryAfterMs: NO_RETRY_MS });
    fake().setFaults({ mode: 'rate-limit', endpoint: 'confirm' });
    expect(await provider.charge(ref, req, 2000)).toEqual({ kind: 'rate-limited', retryAfterMs: null });
    expect(fake().ledger().charges).toEqual([]);
  });

  it('409 idempotency_key_in_use while the same key executes: busy', async () => {
    const req = request('tx-409');
    const ref = await provider.prepare(req, 2000);
    fake().setFaults({ mode: 'none', endpoint: 'confirm', latencyMs: 400 });
    const first = provider.charge(ref, req, 2000);
    await new Promise((r) => setTimeout(r, 100));
    const second = await provider.charge(ref, req, 2000);
    expect(second).toEqual({ kind: 'busy', retryAfterMs: null });
    expect(holdsSettleWindow(second)).toBe(true);
    expect(await first).toMatchObject({ kind: 'succeeded' });
  });

  it('a wrong key: rejected 401, a safe prepare error, an unhealthy check; the key is never echoed', async () => {
    const wrong = new StripeProvider(http, { baseUrl: fake().url, apiKey: 'sk_test_wrong_key', maxSockets: 1 });
    const req = request('tx-401');
    const err = await wrong.prepare(req, 2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StripePrepareError);
    expect((err as Error).message).toMatch(/HTTP 401/);
    const ref = await provider.prepare(req, 2000);
    const answer = await wrong.charge(ref, req, 2000);
    expect(answer).toMatchObject({ kind: 'rejected', httpStatus: 401 });
    expect(await wrong.lookup(ref, req, 2000)).toEqual({ kind: 'unavailable', reason: 'HTTP 401' });
    expect(await wrong.checkHealth()).toMatchObject({ ok: false, error: 'HTTP_401' });
    const seen = JSON.stringify([String(err), (err as Error).stack, answer, http.health(PAYMENT_SERVICE)]);
    expect(seen).not.toContain('sk_test_');
  });
});

describe('transport faults', () => {
  it('no answer within the deadline: no-answer, sent; a commit behind it is found by lookup', async () => {
    const req = request('tx-hang');
    const ref = await provider.prepare(req, 2000);
    fake().setFaults({ mode: 'commit-then-hang', endpoint: 'confirm', count: 1 });
    const started = performance.now();
    const answer = await provider.charge(ref, req, 300);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(answer).toMatchObject({ kind: 'no-answer', sent: true, reason: 'timeout' });
    expect(answer).not.toHaveProperty('local');
    expect(holdsSettleWindow(answer)).toBe(true);
    expect(await provider.lookup(ref, req, 2000)).toMatchObject({ kind: 'found', charge: { kind: 'succeeded' } });
    // The replay of the saved answer, on the same key, agrees.
    expect(await provider.charge(ref, req, 2000)).toMatchObject({ kind: 'succeeded' });
    expect(http.stats(PAYMENT_SERVICE)).toMatchObject({ timeouts: 1 });
  });

  it('a request that never got a socket of our own pool within its deadline: not sent, our own fault', async () => {
    const one = new StripeProvider(http, { baseUrl: fake().url, apiKey: KEY, maxSockets: 1 });
    const req = request('tx-queue');
    const ref = await one.prepare(req, 2000);
    fake().setFaults({ mode: 'hang', endpoint: 'retrieve', count: 1 });
    const blocker = one.lookup(ref, req, 800);
    const answer = await one.charge(ref, req, 300);
    expect(answer).toMatchObject({ kind: 'no-answer', sent: false, reason: 'timeout', local: true });
    await blocker;
    expect(fake().ledger().requestsByKey['tx-queue:confirm']).toBeUndefined();
  });

  it('a refused connection was never sent; lookup and health say the provider is unreachable', async () => {
    const closed: Server = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = new StripeProvider(http, { baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY, maxSockets: 1 });
    const req = request('tx-down');
    expect(await down.charge('pi_x', req, 1000)).toMatchObject({
      kind: 'no-answer',
      sent: false,
      reason: 'ECONNREFUSED',
    });
    expect(await down.lookup('pi_x', req, 1000)).toEqual({ kind: 'unavailable', reason: 'ECONNREFUSED' });
    expect(await down.checkHealth()).toMatchObject({ ok: false, error: 'HTTP_CONNECTION:ECONNREFUSED' });
    await expect(down.prepare(req, 1000)).rejects.toThrow(/HTTP_CONNECTION/);
  });

  it('a connection reset after the request was sent: no-answer, sent', async () => {
    const rude = createServer((req) => req.on('data', () => undefined).on('end', () => req.socket.resetAndDestroy()));
    await new Promise<void>((r) => rude.listen(0, '127.0.0.1', r));
    const port = (rude.address() as AddressInfo).port;
    const p = new StripeProvider(http, { baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY, maxSockets: 1 });
    expect(await p.charge('pi_x', request('tx-rst'), 1000)).toMatchObject({
      kind: 'no-answer',
      sent: true,
      reason: 'ECONNRESET',
    });
    rude.closeAllConnections();
    await new Promise((r) => rude.close(r));
  });

  it('a reused socket reset before the answer: a GET is sent again, a POST is not (it may have been processed)', async () => {
    // Answers the first request of each connection, resets every later one: each reuse of a socket is reset.
    const methods: string[] = [];
    const served = new WeakSet<object>();
    const reuser = createServer((req, res) => {
      methods.push(req.method ?? '');
      req.resume();
      if (served.has(req.socket)) return void req.socket.resetAndDestroy();
      served.add(req.socket);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => reuser.listen(0, '127.0.0.1', r));
    const port = (reuser.address() as AddressInfo).port;
    const p = new StripeProvider(http, { baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY, maxSockets: 1 });
    await p.checkHealth();
    // The retried GET is answered, with a body that is no PaymentIntent of this payment: nothing is read from it.
    expect(await p.lookup('pi_x', request('tx-reuse'), 1000)).toEqual({
      kind: 'unavailable',
      reason: 'PaymentIntent pi_x belongs to another transaction',
    });
    expect(methods).toEqual(['GET', 'GET', 'GET']);
    methods.length = 0;
    expect(await p.charge('pi_x', request('tx-reuse'), 1000)).toMatchObject({
      kind: 'no-answer',
      sent: true,
      reason: 'ECONNRESET',
    });
    expect(methods).toEqual(['POST']);
    reuser.closeAllConnections();
    await new Promise((r) => reuser.close(r));
  });

  it('an answer that is not JSON: indeterminate (2xx) or a server error (5xx)', async () => {
    const statuses = [200, 502];
    const odd = createServer((req, res) => {
      req.resume();
      res.writeHead(statuses.shift() ?? 500, { 'Content-Type': 'text/html' }).end('<html>gateway</html>');
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    const port = (odd.address() as AddressInfo).port;
    const p = new StripeProvider(http, { baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY, maxSockets: 1 });
    expect(await p.charge('pi_x', request('tx-html'), 1000)).toEqual({ kind: 'indeterminate', httpStatus: 200 });
    expect(await p.charge('pi_x', request('tx-html'), 1000)).toEqual({
      kind: 'server-error',
      httpStatus: 502,
      retryable: false,
    });
    odd.closeAllConnections();
    await new Promise((r) => odd.close(r));
  });
});

describe('the pool', () => {
  it('counts every SDK request on one keep-alive socket, failures included', async () => {
    const req = request('tx-pool');
    const ref = await provider.prepare(req, 2000);
    await provider.charge(ref, req, 2000);
    await provider.lookup(ref, req, 2000);
    fake().setFaults({ mode: 'error-before', endpoint: 'retrieve', count: 1 });
    await provider.lookup(ref, req, 2000);
    expect(http.stats(PAYMENT_SERVICE)).toMatchObject({ requests: 4, failures: 1, socketsCreated: 1, timeouts: 0 });
  });
});
