/**
 * Contract: the order application of test/app (issue #13's test of done) runs over our client and over the
 * official one, insecure and secure, and both see the same: the orders in their streams, in `$ce-order` and
 * `$et-OrderShipped` with their links, the totals and per-order projections' states and results, and the totals
 * projection taken through every projection call (create, update, statistics, state, result, disable, enable,
 * reset, delete, restart of the subsystem). Events written by either client are read alike by the other.
 * Against the emulator the node runs `runProjections: 'all'` and the standard projections; with `ESDB_URI` the
 * server must run them too (`--run-projections=all --start-standard-projections=true`), which
 * `ESDB_STANDARD_PROJECTIONS=1` says (docs/protocol.md §3.17.1).
 */
import { KurrentDBClient } from '@kurrent/kurrentdb-client';

import { EsdbClient } from '../../src/client/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { esdbClientPort } from '../app/esdb-client-port.js';
import { NO_ANSWER, type EventStorePort } from '../app/event-store-port.js';
import {
  OrderApplication,
  expectedTotals,
  type ObservedEvent,
  type Order,
  type OrderBook,
} from '../app/order-application.js';
import { officialClientPort } from '../app/official-client-port.js';
import { DISCOUNT, runTotalsLifecycle } from '../app/totals-lifecycle.js';
import { MODES, useContractTarget, withCredentials } from './harness.js';

jest.setTimeout(30_000);

const runs = process.env.ESDB_URI === undefined || process.env.ESDB_STANDARD_PROJECTIONS === '1';
const describeRunning = runs ? describe.each(MODES) : describe.skip.each(MODES);

/** Three orders: two shipped, the second still open. */
const ORDERS: readonly Order[] = [
  {
    customer: 'ada',
    lines: [
      { sku: 'tea', quantity: 2, price: 400 },
      { sku: 'cup', quantity: 1, price: 900 },
    ],
    shipped: true,
  },
  { customer: 'bob', lines: [{ sku: 'tea', quantity: 1, price: 400 }], shipped: false },
  { customer: 'ada', lines: [{ sku: 'pot', quantity: 1, price: 3000 }], shipped: true },
];

/** The order placed after the projection subsystem's restart. */
const EXTRA: Order = { customer: 'cy', lines: [{ sku: 'tea', quantity: 5, price: 400 }], shipped: false };

/** The events of ORDERS as the application expects to read them, through links of `link` or none. */
function expectedEvents(link: string | undefined): ObservedEvent[] {
  return ORDERS.flatMap((order, index) => {
    const label = `order#${index + 1}`;
    const events = [
      { type: 'OrderPlaced', data: { customer: order.customer } },
      ...order.lines.map((line) => ({ type: 'ItemAdded', data: { ...line } })),
      ...(order.shipped ? [{ type: 'OrderShipped', data: {} }] : []),
    ];
    return events.map(({ type, data }, position) => ({
      event: `${label}@${position}`,
      written: true,
      type,
      data,
      link,
    }));
  });
}

/** What the application observes of ORDERS, whichever client it runs on. */
async function observeOrders(app: OrderApplication, book: OrderBook) {
  const totals = await app.startTotals(book);
  const summaries = await app.startSummaries(book);
  return {
    orders: await app.readOrders(book),
    category: await app.readCategory(book),
    shipments: await app.readShipments(book),
    totals: await app.totals(totals, expectedTotals(ORDERS)),
    totalsStatus: await app.status(totals, (status) => status === 'Running'),
    summaries: await app.summaries(summaries, book, ORDERS),
  };
}

describeRunning('the order application (%s)', (mode) => {
  const target = useContractTarget(mode, { runProjections: 'all', startStandardProjections: true });
  let ourClient: EsdbClient | undefined;
  afterAll(() => ourClient?.close());

  const ports: Record<'ours' | 'official', () => EventStorePort> = {
    ours: () => {
      const { uri, admin } = target();
      ourClient ??= new EsdbClient({ uri: mode === 'secure' ? withCredentials(uri, admin) : uri });
      return esdbClientPort(ourClient);
    },
    official: () => officialClientPort(target().client()),
  };
  const observed = new Map<string, Awaited<ReturnType<typeof observeOrders>>>();

  test.each(['ours', 'official'] as const)(
    'over %s client: orders, links and projections',
    async (client) => {
      const app = new OrderApplication(ports[client]());
      const observation = await observeOrders(app, await app.placeOrders(ORDERS));
      const byOrder = (events: ObservedEvent[]) =>
        ORDERS.map((_, index) => events.filter((event) => event.event.startsWith(`order#${index + 1}@`)));
      expect(observation).toEqual({
        orders: byOrder(expectedEvents(undefined)),
        category: { events: expectedEvents('$ce-order'), linkPositionsAscending: true },
        shipments: {
          events: expectedEvents('$et-OrderShipped').filter((event) => event.type === 'OrderShipped'),
          linkPositionsAscending: true,
        },
        totals: {
          state: { orders: 3, items: 5, revenue: 5100, shipped: 2 },
          result: { open: 1, revenue: 5100 },
        },
        totalsStatus: 'Running',
        summaries: [
          {
            state: { customer: 'ada', lines: 2, total: 1700, shipped: true },
            result: { summary: 'ada: 2 lines, 1700, shipped' },
          },
          {
            state: { customer: 'bob', lines: 1, total: 400, shipped: false },
            result: { summary: 'bob: 1 lines, 400' },
          },
          {
            state: { customer: 'ada', lines: 1, total: 3000, shipped: true },
            result: { summary: 'ada: 1 lines, 3000, shipped' },
          },
        ],
      });
      observed.set(client, observation);
    },
  );

  test("both clients observed the same, but for the order of a state's keys", () => {
    const ours = observed.get('ours');
    const official = observed.get('official');
    expect(ours).toEqual(official);
    // The server sends a state as a protobuf Struct with the keys in the state's own order
    // (ProjectionManagement.Result.cs, GetProtoValue of the parsed JSON); ours keeps that order, the official
    // client's Struct conversion returns them sorted.
    expect(Object.keys(ours?.totals.state ?? {})).toEqual(['orders', 'items', 'revenue', 'shipped']);
    expect(Object.keys(official?.totals.state ?? {})).toEqual(['items', 'orders', 'revenue', 'shipped']);
  });

  test.each(['ours', 'official'] as const)(
    'over %s client: the totals projection through its life',
    async (client) => {
      const app = new OrderApplication(ports[client]());
      const lifecycle = await runTotalsLifecycle(app, ORDERS, 'order#2', EXTRA);
      const discounted = (amount: number) => (amount * (100 - DISCOUNT)) / 100;
      expect(lifecycle).toEqual({
        created: 'Running',
        disabled: 'Stopped',
        enabled: 'Running',
        caughtUp: { orders: 3, items: 5, revenue: 5100, shipped: 3 },
        updated: 'Running',
        recomputed: {
          state: { orders: 3, items: 5, revenue: discounted(5100), shipped: 3 },
          result: { open: 0, revenue: discounted(5100) },
        },
        afterRestart: { orders: 4, items: 10, revenue: discounted(7100), shipped: 3 },
        deleted: undefined,
      });
    },
  );

  test('what one client writes, the other reads alike', async () => {
    const ours = new OrderApplication(ports.ours());
    const official = new OrderApplication(ports.official());
    for (const [writer, reader] of [
      [ours, official],
      [official, ours],
    ] as const) {
      const book = await writer.placeOrders(ORDERS);
      const category = await reader.readCategory(book);
      expect(category.events).toEqual(expectedEvents('$ce-order'));
      expect(category).toEqual(await writer.readCategory(book));
      expect(await reader.readShipments(book)).toEqual(await writer.readShipments(book));
      expect(await reader.readOrders(book)).toEqual(await writer.readOrders(book));

      const name = await writer.startTotals(book);
      const totals = await reader.totals(name, expectedTotals(ORDERS));
      expect(totals.state).toEqual(expectedTotals(ORDERS));
      expect(totals).toEqual(await writer.totals(name, expectedTotals(ORDERS)));
    }
  });
});

// A real node leaves projection calls unanswered while its subsystem restarts (docs/protocol.md §3.17.1); the
// application's status calls then give up after their deadline. A frozen emulator stands in for that node.
const describeOnEmulator = process.env.ESDB_URI === undefined ? describe : describe.skip;

describeOnEmulator('the order application, when the server does not answer', () => {
  test('a status call reports no answer, over either client', async () => {
    const emulator = await startEmulator({ secure: false, runProjections: 'all' });
    const ours = new EsdbClient({ uri: emulator.uri });
    const official = KurrentDBClient.connectionString(emulator.uri.replace(/^esdb:/, 'kurrentdb:'));
    try {
      const ports = [esdbClientPort(ours), officialClientPort(official)];
      await Promise.all(ports.map((port) => port.projectionStatus('$by_category')));
      emulator.freeze();
      const statuses = await Promise.all(ports.map((port) => port.projectionStatus('$by_category')));
      expect(statuses).toEqual([NO_ANSWER, NO_ANSWER]);
    } finally {
      emulator.resume();
      await Promise.allSettled([ours.close(), official.dispose()]);
      await emulator.stop();
    }
  });
});
