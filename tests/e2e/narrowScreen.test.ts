// The pages on a 375 px wide phone screen: nothing makes the page scroll
// sideways (wide tables scroll inside their own box).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_URL, launch, signIn } from './browser.js';

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();

/** How far the page is wider than the screen, in CSS pixels (0 when it fits). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('a 375 px wide screen', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the sign-in page and /test-cloudwatch with every panel loaded without horizontal scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(`${APP_URL}/sign-in`);
    await page.getByLabel('Email').waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);

    await signIn(page, 'admin@example.com', 'admin-password');
    await page.waitForURL(`${APP_URL}/test-cloudwatch`);
    await expect
      .poll(() => byTestId(page, 'ledger-unknown').textContent(), { timeout: 60_000 })
      .toMatch(/\d+ payments? with unknown outcome/);
    await expect.poll(() => byTestId(page, 'db-pool-status').textContent(), { timeout: 60_000 }).toMatch(/\w/);
    await expect
      .poll(() => byTestId(page, 'health-provider').textContent(), { timeout: 60_000 })
      .toMatch(/Payment provider/);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  });
});
