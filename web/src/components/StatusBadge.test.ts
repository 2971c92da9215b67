import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { BreakerState, PoolStatus } from '../api/types';
import { breakerTone, poolStatusTone } from '../lib/tones';
import StatusBadge from './StatusBadge.vue';

describe('StatusBadge', () => {
  it.each<[BreakerState, string]>([
    ['closed', 'ok'],
    ['open', 'bad'],
    ['half-open', 'warn'],
  ])('breaker %s is tone %s and says so in text', (state, tone) => {
    const w = mount(StatusBadge, { props: { label: state, tone: breakerTone(state) } });
    expect(w.attributes('data-tone')).toBe(tone);
    expect(w.classes()).toContain(`badge--${tone}`);
    expect(w.text()).toContain(state);
  });

  it.each<[PoolStatus, string]>([
    ['healthy', 'ok'],
    ['saturated', 'warn'],
    ['degraded', 'bad'],
  ])('pool status %s is tone %s', (status, tone) => {
    expect(poolStatusTone(status)).toBe(tone);
  });

  it('uses a distinct symbol per tone, hidden from screen readers', () => {
    const symbols = (['ok', 'warn', 'bad', 'neutral'] as const).map((tone) => {
      const symbol = mount(StatusBadge, { props: { label: 'x', tone } }).find('[aria-hidden="true"]');
      return symbol.text();
    });
    expect(new Set(symbols).size).toBe(4);
  });
});
