// Section 7's per-user limiter cost: the happy path with the limiter and without it, interleaved in one run.
import { paymentInstance } from './instance.mjs';
import { closedLoop, rotate } from './measure.mjs';
import { LOOSE } from './roundTripPaths.mjs';

/** The happy path with the per-user limiter vs without it: interleaved rounds, one warm user, sequential. */
export async function limiterCost(ctx, tag) {
  const { sim, projectId, apiKey, quick, smoke = false } = ctx;
  const n = smoke ? 10 : quick ? 30 : 100;
  const rounds = quick ? 1 : 3;
  const variants = { 'with per-user limits': LOOSE, 'without (no limits)': null };
  const names = Object.keys(variants);
  const insts = Object.fromEntries(
    names.map((v) => [v, paymentInstance({ projectId, simUrl: sim.url, apiKey, limits: variants[v] })]),
  );
  const results = Object.fromEntries(names.map((v) => [v, []]));
  let seq = 0;
  try {
    for (const v of names)
      await closedLoop({
        n: 10,
        concurrency: 1,
        op: () =>
          insts[v].pay({ amount: 5, paymentMethod: 'credit_card', transactionId: `${tag}_w${seq++}` }, `${tag}_lim`),
      });
    for (let r = 0; r < rounds; r++) {
      for (const v of rotate(names, r)) {
        const inst = insts[v];
        const mark = inst.rpcs.rpcs.length;
        const res = await closedLoop({
          n,
          concurrency: 1,
          op: async () => {
            const out = await inst.pay(
              { amount: 5, paymentMethod: 'credit_card', transactionId: `${tag}_${seq++}` },
              `${tag}_lim`,
            );
            if (out.status !== 'succeeded') throw new Error(`payment ${out.status}`);
          },
        });
        results[v].push({ ...res, roundTrips: inst.rpcs.since(mark).length / n });
      }
    }
  } finally {
    await Promise.all(Object.values(insts).map((i) => i.stop()));
  }
  return { n, rounds, results, names };
}
