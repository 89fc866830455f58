/**
 * The order application's JavaScript projections, as a server runs them. Both read the category `order`, which
 * the standard projection `$by_category` builds (`$ce-order`).
 */

/** What {@link totalsQuery} keeps: the orders of one application run, all together. */
export interface OrderTotals {
  readonly orders: number;
  readonly items: number;
  readonly revenue: number;
  readonly shipped: number;
}

/** The result of {@link totalsQuery}: what is still to ship, and the money. */
export interface OrderTotalsResult {
  readonly open: number;
  readonly revenue: number;
}

/**
 * Totals the orders tagged with `run` (a server may hold the orders of other runs in the same category).
 * `discount`, a percentage, is what a revised version of the projection takes off every item's price.
 */
export function totalsQuery(run: string, discount = 0): string {
  return `fromCategory('order').when({
    $init: () => ({ orders: 0, items: 0, revenue: 0, shipped: 0 }),
    OrderPlaced: (state, event) => {
      if (event.data.run === '${run}') state.orders += 1;
    },
    ItemAdded: (state, event) => {
      if (event.data.run !== '${run}') return;
      state.items += event.data.quantity;
      state.revenue += (event.data.quantity * event.data.price * (100 - ${discount})) / 100;
    },
    OrderShipped: (state, event) => {
      if (event.data.run === '${run}') state.shipped += 1;
    }
  }).transformBy((state) => ({ open: state.orders - state.shipped, revenue: state.revenue }))`;
}

/** What {@link perOrderQuery} keeps for each order stream (its partition). */
export interface OrderSummary {
  readonly customer: string | null;
  readonly lines: number;
  readonly total: number;
  readonly shipped: boolean;
}

/** The result of {@link perOrderQuery} for one order: a line of text. */
export interface OrderSummaryResult {
  readonly summary: string;
}

/** One state per order stream (`foreachStream`), and a printable result for each. */
export const perOrderQuery = `fromCategory('order').foreachStream().when({
  $init: () => ({ customer: null, lines: 0, total: 0, shipped: false }),
  OrderPlaced: (state, event) => { state.customer = event.data.customer; },
  ItemAdded: (state, event) => {
    state.lines += 1;
    state.total += event.data.quantity * event.data.price;
  },
  OrderShipped: (state) => { state.shipped = true; }
}).transformBy((state) => ({
  summary: state.customer + ': ' + state.lines + ' lines, ' + state.total + (state.shipped ? ', shipped' : '')
}))`;
