import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessPaymentResult } from '../../functions/src/api/index.js';
import { session } from '../integration/client.js';
import { setFaults } from '../integration/simulator.js';
import { APP_URL, launch, signIn } from './browser.js';

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();

describe('the payments explorer in a real browser', () => {
  let browser: Browser;
  let paid: ProcessPaymentResult;
  beforeAll(async () => {
    browser = await launch();
    await setFaults({ mode: 'none' });
    const payer = await session('new');
    paid = await payer.call<ProcessPaymentResult>('processPayment', {
      amount: 25.99,
      paymentMethod: 'credit_card',
      transactionId: `e2e_explorer_${Date.now()}`,
    });
    await payer.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('finds a payment by id, refunds part of it after a confirmation naming the amount, and shows the refund and the history', async () => {
    expect(paid.status).toBe('succeeded');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The refund seals getPayment answered, and the seal the refund sent (the explorer passes the one it shows).
    const sealsShown: string[] = [];
    const sealsSent: unknown[] = [];
    page.on('response', (r) => {
      if (!r.url().endsWith('/getPayment') || r.request().method() !== 'POST') return;
      void r
        .json()
        .then(
          (body: { result?: { refundSeal?: string } }) =>
            body.result?.refundSeal && sealsShown.push(body.result.refundSeal),
        )
        .catch(() => undefined);
    });
    page.on('request', (r) => {
      if (r.url().endsWith('/refundPayment') && r.method() === 'POST')
        sealsSent.push((r.postDataJSON() as { data?: { seal?: unknown } }).data?.seal);
    });
    await signIn(page, 'admin@example.com', 'admin-password');
    await page.waitForURL(`${APP_URL}/test-cloudwatch`);
    await byTestId(page, 'nav-payments').click();
    await page.waitForURL(`${APP_URL}/payments`);

    await byTestId(page, 'explorer-find-id').fill(paid.transactionId);
    await byTestId(page, 'explorer-find-submit').click();
    await page.waitForURL(`${APP_URL}/payments/${paid.transactionId}`);
    await expect
      .poll(() => byTestId(page, 'payment-detail-status').textContent(), { timeout: 30_000 })
      .toContain('succeeded');
    expect(await byTestId(page, 'payment-detail-amount').textContent()).toBe('25.99 USD');
    expect(await byTestId(page, 'refund-amount').inputValue()).toBe('25.99');

    await byTestId(page, 'refund-amount').fill('10.5');
    await byTestId(page, 'refund-submit').click();
    expect(await page.locator('[role="group"]').getAttribute('aria-label')).toBe('Refund 10.5 USD?');
    await byTestId(page, 'refund-submit-confirm').click();
    await expect
      .poll(() => byTestId(page, 'refund-result').textContent(), { timeout: 60_000 })
      .toMatch(/10\.5 USD: succeeded/);
    expect(sealsSent).toHaveLength(1);
    expect(typeof sealsSent[0]).toBe('string');
    expect(sealsShown).toContain(sealsSent[0]);
    // The detail is read again after the refund: its refunds, the refunded total, what is left and the history.
    await expect
      .poll(() => byTestId(page, 'payment-detail-refunded').textContent(), { timeout: 30_000 })
      .toBe('10.5 USD');
    expect(await page.locator('[data-testid="refund-row"]').count()).toBe(1);
    expect(await byTestId(page, 'refund-amount').inputValue()).toBe('15.49');
    const history = await byTestId(page, 'payment-timeline').textContent();
    // The payment's own events, then the refund's, each written in the commit that made the change.
    expect(history).toMatch(/claimed[\s\S]*outcome\.recorded[\s\S]*refund\.requested[\s\S]*refund\.settled/);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
