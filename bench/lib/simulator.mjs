// The payment simulator for the in-process benches, run as its own Node
// process (via the project's startService helper) so its CPU time is not
// counted in the client's latencies, and driven through its control API.
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/emulator-env.mjs';
import { startService } from '../../scripts/local-env.mjs';

/** A free TCP port on 127.0.0.1 (what port 0 would pick), for a child process to bind. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * One control request on a fresh connection (agent: false), so each control
 * call adds exactly one to the simulator's `connectionsOpened`.
 */
function control(base, method, path, body, ca) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = (base.startsWith('https:') ? https : http).request(
      `${base}/__control/${path}`,
      {
        method,
        agent: false,
        ...(ca ? { ca } : {}),
        headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`simulator ${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Control client of a simulator at `url`. */
export function simulatorControl(url, ca) {
  return {
    url,
    ca,
    setFaults: (faults) => control(url, 'PUT', 'faults', faults, ca),
    /** Counters; `connectionsOpened` includes this request's own connection. */
    stats: () => control(url, 'GET', 'stats', undefined, ca),
    ledger: () => control(url, 'GET', 'ledger', undefined, ca),
    /** Clears ledger, counters and faults (keeps the simulator's memory bounded between runs). */
    reset: () => control(url, 'POST', 'reset', undefined, ca),
  };
}

/**
 * Starts devtools/payment-simulator/main.ts on a free port with `apiKey`; `stop()` ends it.
 * With `tls` it serves HTTPS with a certificate generated at start-up, and `ca` is the PEM to trust.
 */
export async function startSimulator(apiKey, { tls = false } = {}) {
  const port = await freePort();
  const caFile = tls ? join(mkdtempSync(join(tmpdir(), 'bench-sim-ca-')), 'ca.pem') : null;
  const service = await startService(
    tls ? 'bench-simulator-tls' : 'bench-simulator',
    process.execPath,
    [
      join(ROOT, 'devtools/payment-simulator/main.ts'),
      '--port',
      String(port),
      ...(caFile ? ['--tls', '--ca-out', caFile] : []),
    ],
    /listening on/,
    { quiet: true, env: { ...process.env, PAYMENT_API_KEY: apiKey } },
  );
  const ca = caFile ? readFileSync(caFile, 'utf8') : undefined;
  return { ...simulatorControl(`${tls ? 'https' : 'http'}://127.0.0.1:${port}`, ca), port, stop: service.stop };
}
