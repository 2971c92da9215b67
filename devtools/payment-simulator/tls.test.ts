import https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { startPaymentSimulator, type PaymentSimulator } from './server.ts';
import { generateTlsIdentity } from './tls.ts';

/** GET /health over HTTPS with the given `ca` (none: Node's bundled roots). */
function health(url: string, ca?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const options = { agent: false, headers: { Authorization: 'Bearer k' }, ...(ca ? { ca } : {}) };
    const req = https.get(`${url}/health`, options, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

describe('payment simulator over HTTPS', () => {
  let sim: PaymentSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('serves HTTPS with a generated certificate that clients trust through the generated CA only', async () => {
    const identity = await generateTlsIdentity();
    sim = await startPaymentSimulator({ apiKey: 'k', tls: { cert: identity.cert, key: identity.key } });
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await health(sim.url, identity.ca)).toBe(200);
    // Without the CA the certificate is not trusted: verification is on.
    await expect(health(sim.url)).rejects.toThrow(/unable to verify|self-signed|certificate/i);
    // Another run's CA does not vouch for this server either.
    const other = await generateTlsIdentity();
    await expect(health(sim.url, other.ca)).rejects.toThrow(/unable to verify|self-signed|certificate/i);
    expect(sim.stats().connectionsOpened).toBe(3);
  });
});
