import { describe, expect, it } from 'vitest';
import { INCIDENT_WINDOW_MS, IncidentLog } from './incidentLog.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('IncidentLog', () => {
  it('keeps discrete events one by one and names the instance', () => {
    const log = new IncidentLog('i-1');
    log.record({ at: T0, kind: 'breaker-transition', subject: 'payment-service', summary: 'closed -> open' });
    log.record({ at: T0 + 1, kind: 'breaker-transition', subject: 'payment-service', summary: 'open -> closed' });
    expect(log.recent(T0 + 2)).toEqual([
      {
        at: T0,
        kind: 'breaker-transition',
        subject: 'payment-service',
        summary: 'closed -> open',
        count: 1,
        instanceId: 'i-1',
      },
      {
        at: T0 + 1,
        kind: 'breaker-transition',
        subject: 'payment-service',
        summary: 'open -> closed',
        count: 1,
        instanceId: 'i-1',
      },
    ]);
    expect(log.lastAt()).toBe(T0 + 1);
  });

  it('counts frequent kinds per subject and minute', () => {
    const log = new IncidentLog('i-1');
    for (let i = 0; i < 50; i++)
      log.count({ at: T0 + i * 100, kind: 'rejection', subject: 'breaker-open', summary: 'x' });
    log.count({ at: T0 + 10, kind: 'rejection', subject: 'user-rate', summary: 'y' });
    log.count({ at: T0 + 60_000, kind: 'rejection', subject: 'breaker-open', summary: 'z' });
    const recent = log.recent(T0 + 61_000);
    expect(recent.map((e) => [e.subject, e.count, e.at])).toEqual([
      ['breaker-open', 50, T0 + 4900],
      ['user-rate', 1, T0 + 10],
      ['breaker-open', 1, T0 + 60_000],
    ]);
  });

  it('forgets entries older than an hour and keeps at most `max`, dropping the oldest', () => {
    const log = new IncidentLog('i-1', 3);
    for (let i = 0; i < 5; i++) log.record({ at: T0 + i, kind: 'ejection', subject: `e${i}`, summary: '' });
    expect(log.recent(T0 + 5).map((e) => e.subject)).toEqual(['e2', 'e3', 'e4']);
    expect(log.recent(T0 + 2 + INCIDENT_WINDOW_MS).map((e) => e.subject)).toEqual(['e3', 'e4']);
    expect(new IncidentLog('i').lastAt()).toBeNull();
  });
});
