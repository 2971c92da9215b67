import { describe, expect, it } from 'vitest';
import { PublishedEventType } from '../api/index.js';
import { MetricsAggregator } from '../observability/metrics/emf.js';
import { EventPublisher, type OutgoingEvent, type PublishPort } from './eventPublisher.js';
import { event, publishCounts } from './testing/publishKit.js';
import { useLogCapture } from '../observability/testing/logCapture.js';

const logged = useLogCapture();

const publisher = (port: PublishPort, timeoutMs = 1000) => {
  const metrics = new MetricsAggregator({ enabled: true, intervalMs: 1 });
  return { metrics, p: new EventPublisher({ port, timeoutMs, metrics }) };
};
const failures = () => logged.filter((e) => e.event === 'events.publish_failed');

describe('EventPublisher', () => {
  it('hands each event to the port at once and counts it published; settle waits for it', async () => {
    const sent: OutgoingEvent[] = [];
    let land: () => void = () => undefined;
    const { p, metrics } = publisher((e) => {
      sent.push(e);
      return new Promise<void>((r) => (land = r));
    });
    p.publish(event());
    expect(sent).toEqual([event()]);
    let settled = false;
    const waiting = p.settle().then((v) => (settled = v));
    await Promise.resolve();
    expect(settled).toBe(false);
    land();
    await waiting;
    expect(settled).toBe(true);
    expect(await p.settle()).toBe(false);
    expect(publishCounts(metrics)).toEqual([`${PublishedEventType.paymentSucceeded} published:1`]);
    expect(failures()).toEqual([]);
  });

  it('a refused publish (rejected or thrown) never throws: logged at WARNING with the event, and counted', async () => {
    const { p, metrics } = publisher((e) => {
      if (e.subject === 'txn_2') throw new Error('invalid-argument: Invalid channel name format.');
      return Promise.reject(
        Object.assign(new Error('Unexpected response with status: 403.'), { code: 'eventarc/unknown-error' }),
      );
    });
    expect(() => p.publish(event())).not.toThrow();
    expect(() => p.publish(event('txn_2'))).not.toThrow();
    expect(await p.settle()).toBe(true);
    const seen = failures().map((e) => [e.severity, e.transactionId, e.eventType, e.outcome, e.errorMessage]);
    expect(seen.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['WARNING', 'txn_1', PublishedEventType.paymentSucceeded, 'failed', 'Unexpected response with status: 403.'],
      [
        'WARNING',
        'txn_2',
        PublishedEventType.paymentSucceeded,
        'failed',
        'invalid-argument: Invalid channel name format.',
      ],
    ]);
    expect(publishCounts(metrics)).toEqual([`${PublishedEventType.paymentSucceeded} failed:2`]);
  });

  it('a publish that does not answer is given up after its bound: settle returns, logged and counted as a timeout', async () => {
    const { p, metrics } = publisher(() => new Promise<void>(() => undefined), 40);
    const started = Date.now();
    p.publish(event());
    await p.settle();
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(35);
    expect(waited).toBeLessThan(1000);
    expect(failures()).toEqual([
      expect.objectContaining({ outcome: 'timeout', errorMessage: 'no answer within 40 ms', transactionId: 'txn_1' }),
    ]);
    expect(publishCounts(metrics)).toEqual([`${PublishedEventType.paymentSucceeded} timeout:1`]);
  });

  it('refused: an event the contract would not publish is logged and counted without calling the port', () => {
    const calls: OutgoingEvent[] = [];
    const { p, metrics } = publisher((e) => {
      calls.push(e);
      return Promise.resolve();
    });
    p.refused('payment.settled', 'txn_1', new Error('amount: too small'));
    expect(calls).toEqual([]);
    expect(failures()).toEqual([
      expect.objectContaining({ outcome: 'refused', eventType: 'payment.settled', errorMessage: 'amount: too small' }),
    ]);
    expect(publishCounts(metrics)).toEqual(['payment.settled refused:1']);
  });
});
