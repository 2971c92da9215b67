import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { T0 } from '../test/fixtures';
import PoolChart from './PoolChart.vue';

// jsdom has no canvas: getContext returns null and chart.js reports it, so the drawing itself is not tested here.
beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('PoolChart', () => {
  it('renders an accessible canvas and a text summary of the series', () => {
    const points = [
      { at: T0, active: 1, pending: 0 },
      { at: T0 + 5000, active: 4, pending: 3 },
      { at: T0 + 10_000, active: 2, pending: 1 },
    ];
    const w = mount(PoolChart, { props: { points } });
    const canvas = w.find('canvas');
    expect(canvas.attributes('role')).toBe('img');
    expect(canvas.attributes('aria-label')).toBe('Fleet active and pending queries over time');
    expect(w.find('[data-testid="db-pool-chart-summary"]').text()).toContain(
      '3 samples; now 2 active and 1 pending; peak pending 3.',
    );
  });

  it('says when there are no samples yet', () => {
    const w = mount(PoolChart, { props: { points: [] } });
    expect(w.find('[data-testid="db-pool-chart-summary"]').text()).toContain('No samples yet.');
  });
});
