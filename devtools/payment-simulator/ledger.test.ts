import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.ts';
import type { ChargeRecord, ChargeRequest } from './ledger.ts';
import type { Reply } from './replies.ts';

const FOREVER = { keyTtlMs: Number.POSITIVE_INFINITY };
const req = (transactionId: string, amount = 1999): ChargeRequest => ({
  amount,
  currency: 'USD',
  paymentMethod: 'card_visa',
  transactionId,
});

/** A ledger on a clock the test moves by hand. */
function ledgerAt(start = 1_000_000) {
  let t = start;
  const ledger = new Ledger(() => t);
  return { ledger, advance: (ms: number) => (t += ms) };
}

function answered(result: ReturnType<Ledger['charge']>): Reply {
  if (result.kind !== 'answered') throw new Error(`expected an answer, got ${result.kind}`);
  return result.reply;
}
const code = (reply: Reply) => (reply.body as { error: { code: string } }).error.code;

describe('delayed commits', () => {
  it('commits after the delay; until then lookups find nothing and the key is in use', () => {
    const { ledger, advance } = ledgerAt();
    expect(ledger.charge(req('tx-late'), { ...FOREVER, commitAt: 1_005_000 })).toEqual({
      kind: 'scheduled',
      commitAt: 1_005_000,
    });
    expect(ledger.find('tx-late')).toBeUndefined();
    expect(ledger.snapshot().pendingCommits).toEqual({ 'tx-late': new Date(1_005_000).toISOString() });
    // A repeat, whatever the mode or parameters, must not start a second charge.
    for (const opts of [FOREVER, { ...FOREVER, commitAt: 1_000_001 }]) {
      const reply = answered(ledger.charge(req('tx-late'), opts));
      expect([reply.status, code(reply)]).toEqual([409, 'IDEMPOTENCY_KEY_IN_USE']);
    }
    expect(answered(ledger.charge(req('tx-late', 5), FOREVER)).status).toBe(409);
    advance(4999);
    expect(ledger.find('tx-late')).toBeUndefined();
    advance(1);
    const committed = ledger.find('tx-late')!;
    expect(committed).toMatchObject({
      status: 'succeeded',
      amount: 1999,
      createdAt: new Date(1_005_000).toISOString(),
    });
    const repeat = answered(ledger.charge(req('tx-late'), FOREVER));
    expect([repeat.status, (repeat.body as ChargeRecord).id]).toEqual([200, committed.id]);
    expect(ledger.snapshot()).toMatchObject({ charges: [committed], pendingCommits: {} });
  });

  it('commits due charges in commit order, and declines too', () => {
    const { ledger, advance } = ledgerAt();
    ledger.charge(req('tx-slow'), { ...FOREVER, commitAt: 1_003_000 });
    ledger.charge(req('tx-fast', 402), { ...FOREVER, commitAt: 1_001_000 });
    advance(3000);
    const { charges } = ledger.snapshot();
    expect(charges.map((c) => [c.transactionId, c.status])).toEqual([
      ['tx-fast', 'declined'],
      ['tx-slow', 'succeeded'],
    ]);
    expect(answered(ledger.charge(req('tx-fast', 402), FOREVER)).status).toBe(402);
  });

  it('clear() drops pending commits as well', () => {
    const { ledger, advance } = ledgerAt();
    ledger.charge(req('tx-gone'), { ...FOREVER, commitAt: 1_000_010 });
    ledger.clear();
    advance(100);
    expect(ledger.snapshot()).toEqual({ charges: [], chargeRequests: {}, pendingCommits: {} });
  });
});

describe('key retention', () => {
  it('forgets a key after keyTtlMs: the same key charges again with a new id', () => {
    const { ledger, advance } = ledgerAt();
    const ttl = { keyTtlMs: 60_000 };
    const first = answered(ledger.charge(req('tx-old'), ttl));
    expect(first.status).toBe(201);
    advance(59_999);
    expect(answered(ledger.charge(req('tx-old'), ttl)).status).toBe(200);
    advance(1);
    const second = answered(ledger.charge(req('tx-old'), ttl));
    expect(second.status).toBe(201);
    const ids = [first, second].map((r) => (r.body as ChargeRecord).id);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ledger.snapshot().charges.map((c) => c.id)).toEqual(ids);
    // Lookups outlive retention and show the latest charge.
    expect(ledger.find('tx-old')?.id).toBe(ids[1]);
  });

  it('a forgotten key stays forgotten when the retention is lengthened again', () => {
    const { ledger, advance } = ledgerAt();
    ledger.charge(req('tx-f'), FOREVER);
    advance(10);
    expect(answered(ledger.charge(req('tx-f'), { keyTtlMs: 5 })).status).toBe(201);
    expect(answered(ledger.charge(req('tx-f'), FOREVER)).status).toBe(200);
    expect(ledger.snapshot().charges).toHaveLength(2);
  });

  it('counts retention from the commit, not from the request, and never forgets a pending key', () => {
    const { ledger, advance } = ledgerAt();
    ledger.charge(req('tx-p'), { keyTtlMs: 100, commitAt: 1_001_000 });
    advance(500);
    expect(answered(ledger.charge(req('tx-p'), { keyTtlMs: 100 })).status).toBe(409);
    advance(550);
    expect(answered(ledger.charge(req('tx-p'), { keyTtlMs: 100 })).status).toBe(200);
    expect(ledger.snapshot().charges).toHaveLength(1);
  });
});
