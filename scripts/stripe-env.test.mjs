import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRIPE_FIREBASE_CONFIG, stripeWebhookUrl, writeStripeEmulatorConfig } from './stripe-env.mjs';

function project() {
  const root = mkdtempSync(join(tmpdir(), 'stripe-env-'));
  mkdirSync(join(root, 'functions'));
  writeFileSync(join(root, 'functions', '.env'), 'PAYMENT_MAX_AMOUNT=5\n');
  writeFileSync(join(root, 'functions', '.env.local'), 'PAYMENT_SERVICE_URL=http://127.0.0.1:8710');
  writeFileSync(join(root, 'functions', '.secret.local'), 'PAYMENT_API_KEY=dev\n');
  writeFileSync(join(root, 'firebase.json'), JSON.stringify({ functions: [{ source: 'functions' }], hosting: {} }));
  return root;
}

describe('Stripe-mode emulator config', () => {
  it('copies the dotenv files, appends the Stripe lines last (they win), and names the folder as configDir', () => {
    const root = project();
    const { configPath, remove } = writeStripeEmulatorConfig(root);
    expect(configPath).toBe(join(root, STRIPE_FIREBASE_CONFIG));
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(config).toEqual({
      functions: [{ source: 'functions', configDir: '.cache/functions-env-stripe' }],
      hosting: {},
    });
    const dir = join(root, '.cache', 'functions-env-stripe');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe('PAYMENT_MAX_AMOUNT=5\n');
    expect(readFileSync(join(dir, '.env.local'), 'utf8').split('\n')).toEqual([
      'PAYMENT_SERVICE_URL=http://127.0.0.1:8710',
      '# Stripe mode (scripts/stripe-env.mjs)',
      'PAYMENT_PROVIDER=stripe',
      'PAYMENT_SERVICE_URL=http://127.0.0.1:12111',
      '',
    ]);
    // Secrets are never copied: the emulator reads them from the source folder.
    expect(existsSync(join(dir, '.secret.local'))).toBe(false);
    remove();
    expect(existsSync(configPath) || existsSync(dir)).toBe(false);
    expect(readFileSync(join(root, 'functions', '.env.local'), 'utf8')).toBe(
      'PAYMENT_SERVICE_URL=http://127.0.0.1:8710',
    );
  });

  it("gives the page the emulators' CSP with the fake in connect-src, in the generated config only", () => {
    const root = project();
    const csp = "default-src 'none'; connect-src 'self' https://example.test; object-src 'none'";
    const hosting = {
      public: 'web/dist',
      headers: [{ source: '**', headers: [{ key: 'Content-Security-Policy', value: csp }] }],
    };
    writeFileSync(join(root, 'firebase.json'), JSON.stringify({ functions: { source: 'functions' }, hosting }));
    const { configPath } = writeStripeEmulatorConfig(root);
    const written = JSON.parse(readFileSync(configPath, 'utf8'));
    const connect = /connect-src ([^;]*)/.exec(written.hosting.headers[0].headers[0].value)[1].split(' ');
    expect(connect).toEqual(expect.arrayContaining(['http://127.0.0.1:5001', 'http://127.0.0.1:12111']));
    expect(written.functions).toEqual([{ source: 'functions', configDir: '.cache/functions-env-stripe' }]);
    expect(JSON.parse(readFileSync(join(root, 'firebase.json'), 'utf8')).hosting.headers[0].headers[0].value).toBe(csp);
  });

  it('names the emulated webhook URL', () => {
    expect(stripeWebhookUrl('demo-x')).toBe('http://127.0.0.1:5001/demo-x/us-central1/stripeWebhook');
  });
});
