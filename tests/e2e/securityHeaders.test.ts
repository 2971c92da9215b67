// The Hosting security headers (firebase.json, with the emulators' CSP: production's
// is checked in scripts/hosting-csp.test.mjs and tests/integration/deployConfig.test.ts)
// as the Hosting emulator serves them, and the admin page working under that Content-Security-Policy: an admin
// signs in and the panels load with no CSP violation and no console error.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_URL, launch, signIn } from './browser.js';

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();

/** A Content-Security-Policy header as directive -> sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

/** A securitypolicyviolation event, as the page records it. */
interface Violation {
  directive: string;
  blockedURI: string;
}
declare global {
  interface Window {
    __cspViolations: Violation[];
    __inlineScriptRan?: boolean;
  }
}

describe('Hosting security headers', () => {
  it('serves the page with a strict CSP, HSTS, nosniff and a referrer policy', async () => {
    const res = await fetch(`${APP_URL}/test-cloudwatch`);
    expect(res.status).toBe(200);
    const csp = directives(res.headers.get('content-security-policy') ?? '');
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    for (const name of ['script-src', 'style-src']) {
      expect(csp.get(name)).toContain("'self'");
      expect(csp.get(name)).not.toContain("'unsafe-inline'");
      expect(csp.get(name)).not.toContain("'unsafe-eval'");
    }
    const connect = csp.get('connect-src') ?? [];
    // The emulators' policy (scripts/hosting-csp.mjs): the functions emulator instead of the project's functions origin.
    expect(connect).toEqual(
      expect.arrayContaining([
        "'self'",
        'https://identitytoolkit.googleapis.com',
        'https://securetoken.googleapis.com',
        'http://127.0.0.1:5001',
      ]),
    );
    expect(connect.filter((s) => s.includes('*'))).toEqual([]);
    // App Check in production: reCAPTCHA Enterprise's script (www.google.com/recaptcha/enterprise.js, which loads
    // www.gstatic.com/recaptcha/releases/...) and frames, and App Check's token exchange.
    expect(connect).toEqual(
      expect.arrayContaining(['https://content-firebaseappcheck.googleapis.com', 'https://www.google.com/recaptcha/']),
    );
    expect(csp.get('script-src')).toEqual(
      expect.arrayContaining(['https://www.google.com/recaptcha/', 'https://www.gstatic.com/recaptcha/']),
    );
    expect(csp.get('frame-src')).toEqual(
      expect.arrayContaining(['https://www.google.com/recaptcha/', 'https://recaptcha.google.com/recaptcha/']),
    );
    // Plain http only for the emulators on this machine.
    for (const source of connect.filter((s) => s.startsWith('http:'))) {
      expect(source).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):\d+$/);
    }
    expect(connect.some((s) => s === '*' || s === 'https:' || s === 'http:')).toBe(false);
    const hsts = /max-age=(\d+)/.exec(res.headers.get('strict-transport-security') ?? '');
    expect(Number(hsts?.[1])).toBeGreaterThanOrEqual(31_536_000);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    // The page is revalidated, so a redeploy or rollback reaches browsers at once.
    expect(res.headers.get('cache-control')).toBe('no-cache');

    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(await res.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${APP_URL}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    // Asset names carry a content hash, so they never change under a URL.
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});

describe('/test-cloudwatch under the Content-Security-Policy', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lets an admin sign in and load every panel without a CSP violation or console error', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__cspViolations.push({ directive: e.effectiveDirective, blockedURI: e.blockedURI }),
      );
    });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));

    await signIn(page, 'admin@example.com', 'admin-password');
    await page.waitForURL(`${APP_URL}/test-cloudwatch`);
    await expect.poll(() => byTestId(page, 'signed-in-as').textContent()).toBe('admin@example.com');
    // Callables answered (functions emulator) and the simulator's fault config loaded (its own origin).
    await expect
      .poll(() => byTestId(page, 'ledger-unknown').textContent(), { timeout: 60_000 })
      .toMatch(/\d+ payments? with unknown outcome/);
    await expect.poll(() => byTestId(page, 'db-pool-status').textContent(), { timeout: 60_000 }).toMatch(/\w/);
    await expect
      .poll(() => byTestId(page, 'fault-current').textContent(), { timeout: 30_000 })
      .toContain('Simulator fault');

    expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
    expect(consoleErrors).toEqual([]);

    // The policy is enforced, and the listener above sees what it blocks: an inline script and an unlisted origin.
    await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineScriptRan = true';
      document.head.append(s);
      await fetch('https://example.com/exfiltrate').catch(() => undefined);
    });
    await expect
      .poll(() => page.evaluate(() => window.__cspViolations.map((v) => v.directive).sort()))
      .toEqual(['connect-src', 'script-src-elem']);
    expect(await page.evaluate(() => window.__inlineScriptRan)).toBeUndefined();
    await page.close();
  });
});
