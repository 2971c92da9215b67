import { describe, expect, it } from 'vitest';
import { dotenvValue } from './dotenv.ts';

describe('dotenvValue', () => {
  it('reads plain, exported and quoted values and skips comments and other names', () => {
    const text =
      '# PAYMENT_API_KEY=commented\nOTHER=x\nexport PAYMENT_API_KEY="dev_123"\nSTRIPE_WEBHOOK_SECRET=whsec_1\r\n';
    expect(dotenvValue(text, 'PAYMENT_API_KEY')).toBe('dev_123');
    expect(dotenvValue(text, 'STRIPE_WEBHOOK_SECRET')).toBe('whsec_1');
    expect(dotenvValue(text, 'MISSING')).toBeUndefined();
  });
});
