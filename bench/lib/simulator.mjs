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
import { simulatorControl as controlClient } from '../../devtools/payment-simulator/client.ts';

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
 * A `send` for the control client that puts each request on a fresh connection
 * (agent: false), so each control call adds exactly one to the simulator's
 * `connectionsOpened`, and trusts `ca` over HTTPS.
 */
function freshConnectionSend(ca) {
  return (url, { method, headers, body }) =>
    new Promise((resolve, reject) => {
      const req = (url.startsWith('https:') ? https : http).request(
        url,
        {
          method,
          agent: false,
          ...(ca ? { ca } : {}),
          headers: body === undefined ? headers : { ...headers, 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            resolve({ ok: status >= 200 && status < 300, status, text: () => Promise.resolve(text) });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/** Control client of a simulator at `url` (devtools/payment-simulator/client.ts), plus its `ca`. */
export function simulatorControl(url, ca) {
  return { ...controlClient(url, freshConnectionSend(ca)), ca };
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
