import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { resetBreakers } from '../integration/breakers.js';
import { PROJECT_ID, USERS, session } from '../integration/client.js';
import { setFaults } from '../integration/simulator.js';
import { APP_URL, launch, signIn } from './browser.js';

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();
/** Reads the payment-service breaker state as the page shows it after a refresh, for expect.poll. */
const breakerShown = (page: Page) => async () => {
  await byTestId(page, 'connection-pools-refresh').click();
  return byTestId(page, 'breaker-payment-service').textContent();
};

describe('/test-cloudwatch in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
    await setFaults({ mode: 'none' });
    const admin = await session(USERS.admin);
    await resetBreakers(admin);
    await admin.close();
  });
  afterAll(async () => {
    await setFaults({ mode: 'none' });
    await browser?.close();
  });

  it('lets an admin pay, replay, watch the breaker open under an outage, reset it, see both on the incident timeline, and reconcile the ledger', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await signIn(page, 'admin@example.com', 'admin-password');
    await page.waitForURL(`${APP_URL}/test-cloudwatch`);
    await expect.poll(() => byTestId(page, 'signed-in-as').textContent()).toBe('admin@example.com');

    // A payment, then a replay of the same transactionId. Auto-refresh is paused for the first: the page still
    // refreshes its fleet panels once the answer arrives, and the paying instance published its numbers before
    // answering, so its rows and provider requests show without anyone pressing Refresh.
    await byTestId(page, 'refresh-toggle').click();
    await byTestId(page, 'payment-amount').fill('25.99');
    await byTestId(page, 'payment-submit').click();
    await expect.poll(() => byTestId(page, 'payment-status').textContent(), { timeout: 60_000 }).toContain('succeeded');
    const chargeId = await byTestId(page, 'payment-charge-id').textContent();
    expect(await byTestId(page, 'payment-replayed').textContent()).toBe('no');
    const payingRows = async (table: string) =>
      (await page.locator(`[data-testid="${table}"] tbody tr`).allTextContents()).filter((row) =>
        row.includes('processPayment'),
      ).length;
    await expect.poll(() => payingRows('connection-pools-instances'), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(() => payingRows('db-pool-instances'), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    expect(Number(await byTestId(page, 'service-payment-service-requests').textContent())).toBeGreaterThanOrEqual(1);
    expect(Number(await byTestId(page, 'provider-peak').textContent())).toBeGreaterThanOrEqual(1);
    await byTestId(page, 'refresh-toggle').click();
    await byTestId(page, 'payment-submit').click();
    await expect.poll(() => byTestId(page, 'payment-replayed').textContent(), { timeout: 30_000 }).toBe('yes');
    expect(await byTestId(page, 'payment-charge-id').textContent()).toBe(chargeId);

    // Outage from the page's fault controls, then a burst: the breaker opens.
    await byTestId(page, 'fault-mode').selectOption('outage');
    await byTestId(page, 'fault-apply').click();
    await expect.poll(() => byTestId(page, 'fault-current').textContent()).toContain('outage');
    await byTestId(page, 'burst-count').fill('12');
    await byTestId(page, 'burst-start').click();
    await expect
      .poll(() => byTestId(page, 'burst-summary').textContent(), { timeout: 120_000 })
      .toMatch(/12 of 12 done(?!…)/);
    await expect.poll(breakerShown(page), { timeout: 30_000, interval: 1000 }).toContain('open');

    // Provider back, reset the breaker from the page: it closes.
    await byTestId(page, 'fault-mode').selectOption('none');
    await byTestId(page, 'fault-apply').click();
    await byTestId(page, 'reset-payment-service').click();
    await byTestId(page, 'reset-payment-service-confirm').click();
    await expect
      .poll(() => byTestId(page, 'reset-result').textContent(), { timeout: 30_000 })
      .toContain('payment-service');
    await expect.poll(breakerShown(page), { timeout: 30_000, interval: 1000 }).toContain('closed');

    // The provider concurrency budget (emulator defaults: 100 over 10 instances, 10 each) and the peak the payments reached.
    expect(await byTestId(page, 'provider-budget').textContent()).toBe('100');
    expect(await byTestId(page, 'provider-cap').textContent()).toBe('10');
    expect(Number(await byTestId(page, 'provider-peak').textContent())).toBeGreaterThanOrEqual(1);

    // The incident timeline, built from the fleet's snapshots, shows the outage and the reset.
    const timeline = async () => {
      await byTestId(page, 'timeline-refresh').click();
      return (await page.locator('[data-testid="timeline-events"]').textContent()) ?? '';
    };
    await expect
      .poll(timeline, { timeout: 30_000, interval: 1000 })
      .toMatch(
        /payment-service\s*(open|half-open) -> closed \(reset\)[\s\S]*payment-service\s*closed -> open \(failure-rate/,
      );
    expect(await timeline()).toMatch(/refused[\s\S]*breaker-open/);
    // The service health panel reads the health endpoint's deep view with the admin's ID token.
    await expect
      .poll(() => byTestId(page, 'health-provider').textContent(), { timeout: 30_000 })
      .toMatch(/Payment provider\s*\S*\s*ok/);

    // Ledger health reads the same polled stats; "Reconcile now" runs one pass and shows its report.
    await expect
      .poll(() => byTestId(page, 'ledger-unknown').textContent(), { timeout: 30_000 })
      .toMatch(/\d+ payments? with unknown outcome/);
    expect(await byTestId(page, 'ledger-status').textContent()).toMatch(/healthy|needs attention|problem/);
    await byTestId(page, 'reconcile-now').click();
    await byTestId(page, 'reconcile-now-confirm').click();
    const report = /examined \d+: \d+ charged, \d+ not charged, \d+ still unknown, [^;]*\d+ errors?; (in)?complete/;
    await expect.poll(() => byTestId(page, 'reconcile-result').textContent(), { timeout: 70_000 }).toMatch(report);
    const done = (await byTestId(page, 'reconcile-result').textContent())!.match(report)![0];
    // The stats refreshed after the pass, so the last run shown is this one.
    await expect.poll(() => byTestId(page, 'ledger-last-run').textContent(), { timeout: 30_000 }).toContain(done);
    expect(await byTestId(page, 'reconcile-now').textContent()).toContain('Reconcile now');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/test-cloudwatch.png', fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('shows a non-admin the admins-only page', async () => {
    const page = await browser.newPage();
    await signIn(page, 'user@example.com', 'user-password');
    await page.waitForURL(`${APP_URL}/admins-only`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Admins only');
    await page.close();
  });

  it('lets a user in once an admin grants the claim, after "Check again" refreshes the ID token', async () => {
    const email = `promoted${Date.now()}@example.com`;
    const auth = getAuth(initializeApp({ projectId: PROJECT_ID }, `e2e-${Date.now()}`));
    const { uid } = await auth.createUser({ email, password: 'password-123' });
    const page = await browser.newPage();
    await signIn(page, email, 'password-123');
    await page.waitForURL(`${APP_URL}/admins-only`);
    await auth.setCustomUserClaims(uid, { admin: true });
    await byTestId(page, 'admins-only-recheck').click();
    await page.waitForURL(`${APP_URL}/test-cloudwatch`);
    await page.close();
  });

  it('sends a signed-out visitor to sign-in', async () => {
    const page = await browser.newPage();
    await page.goto(`${APP_URL}/test-cloudwatch`);
    await page.waitForURL(/\/sign-in/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.close();
  });
});
