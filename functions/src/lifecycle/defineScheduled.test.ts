import type { ScheduledEvent } from 'firebase-functions/v2/scheduler';
import { describe, expect, it } from 'vitest';
import { scheduledHandler } from './defineScheduled.js';
import { recordingLifecycle } from './testing.js';

const EVENT: ScheduledEvent = { scheduleTime: '2026-12-06T19:00:00Z' };

describe('scheduledHandler', () => {
  it('runs the end-of-call work after the work', async () => {
    const steps: string[] = [];
    const handler = scheduledHandler(
      (rt: { name: string }, event) => {
        steps.push(`work ${rt.name} ${event.scheduleTime}`);
        return Promise.resolve();
      },
      recordingLifecycle({ name: 'rt' }, steps),
    );
    await handler(EVENT);
    expect(steps).toEqual(['work rt 2026-12-06T19:00:00Z', 'afterCall']);
  });

  it('runs the end-of-call work when the work throws, and still fails the run', async () => {
    const steps: string[] = [];
    const handler = scheduledHandler(
      () => {
        steps.push('work');
        return Promise.reject(new Error('provider down'));
      },
      recordingLifecycle({}, steps),
    );
    await expect(handler(EVENT)).rejects.toThrow('provider down');
    expect(steps).toEqual(['work', 'afterCall']);
  });
});
