import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { ProviderConcurrency } from '../api/types';
import { providerConcurrency } from '../test/fixtures';
import ProviderBudget from './ProviderBudget.vue';

const budget = (c: ProviderConcurrency) => mount(ProviderBudget, { props: { concurrency: c } });
const text = (w: ReturnType<typeof budget>, id: string) => w.find(`[data-testid="${id}"]`).text();

describe('ProviderBudget', () => {
  it('shows the budget, the per-instance cap and the peak in flight', () => {
    const w = budget(
      providerConcurrency({ budget: 25, maxInstances: 4, capPerInstance: 6, inFlight: 3, peakInFlight: 19 }),
    );
    expect(text(w, 'provider-budget')).toBe('25');
    expect(text(w, 'provider-cap')).toBe('6');
    expect(text(w, 'provider-max-instances')).toBe('4');
    expect(text(w, 'provider-in-flight')).toBe('3');
    expect(text(w, 'provider-peak')).toBe('19');
    expect(w.find('[data-testid="provider-peak-note"]').exists()).toBe(false);
  });

  it('shows an unmeasured peak as a dash and says why', () => {
    const w = budget(providerConcurrency({ inFlight: null, peakInFlight: null }));
    expect(text(w, 'provider-peak')).toBe('—');
    expect(text(w, 'provider-in-flight')).toBe('—');
    expect(text(w, 'provider-peak-note')).toContain('No instance has sent a provider request yet');
  });

  it('explains a sum of peaks above the budget', () => {
    const w = budget(providerConcurrency({ budget: 10, peakInFlight: 12 }));
    expect(w.find('[role="alert"]').text()).toContain('peaked at different times');
  });
});
