/**
 * The order application managing its totals projection through every projection call of the port: it is
 * stopped while an order ships, started again, revised (a discount) and recomputed from the start, carried
 * through a restart of the projection subsystem, then stopped and deleted. Each step's outcome is recorded in
 * run-independent terms, so that two runs (two clients) can be compared.
 */
import {
  expectedTotals,
  type Order,
  type OrderApplication,
  type OrderBook,
  type Projected,
} from './order-application.js';
import { totalsQuery, type OrderTotals, type OrderTotalsResult } from './order-projections.js';

/** What the application saw at each step of {@link runTotalsLifecycle}. */
export interface TotalsLifecycle {
  /** Its status once it had caught up after creation. */
  readonly created: string | undefined;
  /** Its status after disabling it. */
  readonly disabled: string | undefined;
  /** Its status after enabling it again, and its state once it had caught up with the order shipped meanwhile. */
  readonly enabled: string | undefined;
  readonly caughtUp: OrderTotals;
  /** Its status after the update, and its state and result once reset made it recompute everything. */
  readonly updated: string | undefined;
  readonly recomputed: Projected<OrderTotals, OrderTotalsResult>;
  /** Its state after the subsystem's restart, once it had processed one more order. */
  readonly afterRestart: OrderTotals;
  /** Its status after deletion: `undefined`, the server knows it no more. */
  readonly deleted: string | undefined;
}

/** The discount the revised totals take off every price, in percent. */
export const DISCOUNT = 10;

const isStopped = (status: string | undefined) => status === 'Stopped';
const isRunning = (status: string | undefined) => status === 'Running';

/**
 * Places `orders` in a new run, of which `unshipped` (a label) must not have shipped, totals them, and takes the
 * totals projection through its life; `extra` is the order placed after the subsystem's restart.
 */
export async function runTotalsLifecycle(
  app: OrderApplication,
  orders: readonly Order[],
  unshipped: string,
  extra: Order,
): Promise<TotalsLifecycle> {
  const store = app.store;
  let book: OrderBook = await app.placeOrders(orders);
  const name = await app.startTotals(book);
  await app.totals(name, expectedTotals(orders));
  const created = await app.status(name, isRunning);

  await store.disableProjection(name);
  const disabled = await app.status(name, isStopped);
  book = await app.ship(book, unshipped);
  const shippedNow = orders.map((order, index) =>
    `order#${index + 1}` === unshipped ? { ...order, shipped: true } : order,
  );

  await store.enableProjection(name);
  const enabled = await app.status(name, isRunning);
  const caughtUp = (await app.totals(name, expectedTotals(shippedNow))).state;

  await store.updateProjection(name, totalsQuery(book.run, DISCOUNT));
  const updated = await app.status(name, isRunning);
  await store.resetProjection(name);
  const recomputed = await app.totals(name, expectedTotals(shippedNow, DISCOUNT));

  // A real node answers no projection call until its subsystem has restarted: the status polls ride that out.
  await store.restartProjectionsSubsystem();
  await app.status(name, isRunning);
  await app.placeOrders([extra], book);
  const afterRestart = (await app.totals(name, expectedTotals([...shippedNow, extra], DISCOUNT))).state;

  await store.disableProjection(name);
  await app.status(name, isStopped);
  await store.deleteProjection(name);
  const deleted = await app.status(name, (status) => status === undefined);
  return { created, disabled, enabled, caughtUp, updated, recomputed, afterRestart, deleted };
}
