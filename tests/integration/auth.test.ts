import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS, session, type Session } from './client.js';

const ADMIN_CALLABLES = ['getDatabasePoolStatus', 'getConnectionPoolStats', 'resetCircuitBreakers'] as const;
const ALL = ['processPayment', 'cancelPayment', ...ADMIN_CALLABLES] as const;

describe('auth matrix over real HTTP to the functions emulator', () => {
  let anon: Session, user: Session, admin: Session;
  beforeAll(async () => {
    [anon, user, admin] = await Promise.all([session(), session(USERS.user), session(USERS.admin)]);
  });
  afterAll(async () => Promise.all([anon, user, admin].map((s) => s?.close())));

  it.each(ALL)('%s without a signed-in user -> unauthenticated', async (name) => {
    expect(await anon.codeOf(name, {})).toBe('unauthenticated');
  });

  it.each(ADMIN_CALLABLES)('%s as a plain user -> permission-denied', async (name) => {
    expect(await user.codeOf(name, {})).toBe('permission-denied');
  });

  it('processPayment as a plain user is not a permission error', async () => {
    expect(['unauthenticated', 'permission-denied']).not.toContain(await user.codeOf('processPayment', {}));
  });

  it.each(ADMIN_CALLABLES)('%s as an admin is not a permission error', async (name) => {
    expect(['unauthenticated', 'permission-denied', 'internal']).not.toContain(await admin.codeOf(name, {}));
  });
});
