import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { getIncidentTimeline } from '../api/incidents';
import type { IncidentTimeline } from '../api/types';
import { flushPromises } from '../test/clock';
import { T0 } from '../test/fixtures';
import IncidentTimelinePanel from './IncidentTimelinePanel.vue';
import { useComponentTest } from '../test/componentTest';

vi.mock('../api/incidents', () => ({ getIncidentTimeline: vi.fn() }));
const fetchTimeline = vi.mocked(getIncidentTimeline);
const byId = (w: ReturnType<typeof mount>, id: string) => w.findAll(`[data-testid="${id}"]`);

const timeline = (events: IncidentTimeline['events'], truncated = false): IncidentTimeline => ({
  at: T0,
  since: T0 - 3_600_000,
  events,
  truncated,
});

useComponentTest(() => vi.clearAllMocks());

describe('IncidentTimelinePanel', () => {
  it('lists the events newest first with their kind, subject, summary and count', async () => {
    fetchTimeline.mockResolvedValue(
      timeline([
        {
          at: T0 - 1000,
          kind: 'breaker-transition',
          subject: 'payment-service',
          summary: 'open -> closed (reset)',
          count: 1,
          instanceId: 'a',
        },
        {
          at: T0 - 5000,
          kind: 'rejection',
          subject: 'breaker-open',
          summary: 'payments refused: breaker-open',
          count: 7,
          instanceId: 'b',
        },
        {
          at: T0 - 9000,
          kind: 'unknown-payment',
          subject: 'txn_1',
          summary: 'outcome unknown',
          count: 1,
          instanceId: null,
        },
      ]),
    );
    const w = mount(IncidentTimelinePanel);
    await flushPromises();
    const items = w.findAll('[data-testid="timeline-events"] li');
    expect(items.map((i) => i.attributes('data-testid'))).toEqual([
      'timeline-breaker-transition',
      'timeline-rejection',
      'timeline-unknown-payment',
    ]);
    expect(items[0]!.text()).toContain('payment-service open -> closed (reset)');
    expect(items[0]!.text()).toContain('1 s ago');
    expect(items[1]!.text()).toContain('×7');
    expect(items[2]!.text()).toContain('unknown payment');
    expect(byId(w, 'timeline-truncated')).toHaveLength(0);
  });

  it('says when the hour was quiet, and when older events were left out', async () => {
    fetchTimeline.mockResolvedValue(timeline([], true));
    const w = mount(IncidentTimelinePanel);
    await flushPromises();
    expect(byId(w, 'timeline-empty')[0]!.text()).toBe('No incidents in the last hour.');
    expect(byId(w, 'timeline-truncated')).toHaveLength(1);
  });
});
