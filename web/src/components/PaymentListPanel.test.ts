import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { listPayments } from '../api/explorer';
import type { ListPaymentsRequest } from '../api/types';
import { advance } from '../test/clock';
import { paymentView } from '../test/explorerFixtures';
import PaymentListPanel from './PaymentListPanel.vue';
import { byId, useComponentTest } from '../test/componentTest';

vi.mock('../api/explorer', () => ({ listPayments: vi.fn(), getPayment: vi.fn() }));
const list = vi.mocked(listPayments);

type Wrapper = ReturnType<typeof mount>;
const rows = (w: Wrapper) => w.findAll('[data-testid="explorer-row"]').map((r) => r.find('code').text());

/** listPayments answers pages of `ids`, 2 a page, cursors `c<n>`. */
function pages(ids: string[]) {
  list.mockImplementation((req: ListPaymentsRequest) => {
    const start = req.cursor ? Number(req.cursor.slice(1)) : 0;
    const slice = ids.slice(start, start + 2);
    const next = start + 2 < ids.length ? `c${start + 2}` : null;
    return Promise.resolve({
      payments: slice.map((transactionId) => paymentView({ transactionId })),
      nextCursor: next,
    });
  });
}

useComponentTest(() => vi.clearAllMocks());

describe('PaymentListPanel', () => {
  it('lists the first page, pages forward and back by cursor, and ends on the last page', async () => {
    pages(['t5', 't4', 't3', 't2', 't1']);
    const w = mount(PaymentListPanel, { props: { selected: null } });
    await advance(10);
    expect(rows(w)).toEqual(['t5', 't4']);
    expect(byId(w, 'explorer-previous').attributes('disabled')).toBeDefined();
    await byId(w, 'explorer-next').trigger('click');
    await advance(10);
    expect(rows(w)).toEqual(['t3', 't2']);
    await byId(w, 'explorer-next').trigger('click');
    await advance(10);
    expect(rows(w)).toEqual(['t1']);
    expect(byId(w, 'explorer-next').attributes('disabled')).toBeDefined();
    await byId(w, 'explorer-previous').trigger('click');
    await advance(10);
    expect(rows(w)).toEqual(['t3', 't2']);
    expect(list.mock.calls.map((c) => c[0].cursor)).toEqual([undefined, 'c2', 'c4', 'c2']);
  });

  it('applies the filters from the first page, sending only those set', async () => {
    pages(['t2', 't1']);
    const w = mount(PaymentListPanel, { props: { selected: null } });
    await advance(10);
    await byId(w, 'explorer-status').setValue('declined');
    await byId(w, 'explorer-uid').setValue('user-7');
    await byId(w, 'explorer-filters').trigger('submit');
    await advance(10);
    expect(list.mock.calls.at(-1)![0]).toEqual({ status: 'declined', uid: 'user-7', limit: 25 });
  });

  it('opens a payment from its row or by its id, and refuses an id the backend would', async () => {
    pages(['t2']);
    const w = mount(PaymentListPanel, { props: { selected: null } });
    await advance(10);
    await byId(w, 'explorer-open-t2').trigger('click');
    await byId(w, 'explorer-find-id').setValue('  txn_9 ');
    await byId(w, 'explorer-find').trigger('submit');
    await byId(w, 'explorer-find-id').setValue('a/b');
    await byId(w, 'explorer-find').trigger('submit');
    expect(w.emitted('open')).toEqual([['t2'], ['txn_9']]);
    expect(byId(w, 'explorer-find-error').text()).toContain('letters, digits');
  });
});
