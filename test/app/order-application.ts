/**
 * A small order-handling application, the kind issue #13 is for: it places orders as events in `order-<uuid>`
 * streams, reads them back through the category stream `$ce-order` and the event-type stream
 * `$et-OrderShipped` (which the server's standard projections build), and runs JavaScript projections that
 * total the orders. It talks to the event store only through {@link EventStorePort}, so it runs unchanged over
 * our client and over the official one; what it observes is given in terms that do not depend on the run
 * (order labels instead of stream names, no ids, no log positions), so that two runs can be compared.
 */
import { randomUUID } from 'node:crypto';

import type { EventRead, EventStorePort, EventToWrite } from './event-store-port.js';
import {
  perOrderQuery,
  totalsQuery,
  type OrderSummary,
  type OrderSummaryResult,
  type OrderTotals,
  type OrderTotalsResult,
} from './order-projections.js';

/** An order to place: who, what (prices in cents), and whether it ships. */
export interface Order {
  readonly customer: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number; readonly price: number }[];
  readonly shipped: boolean;
}

/** An order as placed: its label (`order#1`, …), its stream and the events written to it. */
export interface PlacedOrder {
  readonly label: string;
  readonly streamName: string;
  readonly events: readonly EventToWrite[];
}

/** The orders of one run of the application; every event's data carries the run's `run` tag. */
export interface OrderBook {
  readonly run: string;
  readonly orders: readonly PlacedOrder[];
}

/**
 * An event as the application saw it: `order#1@2` is the event at position 2 of the first order's stream;
 * `written` says whether its id is the one the application gave it; `data` is without the run tag; `link` is
 * the stream of the link that led to it.
 */
export interface ObservedEvent {
  readonly event: string;
  readonly written: boolean;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly link: string | undefined;
}

/** A read of a link stream: the application's events in the order read, and whether the links were in order. */
export interface LinkedRead {
  readonly events: readonly ObservedEvent[];
  readonly linkPositionsAscending: boolean;
}

/** A projection's state and result, as read once the state matched what the application expected. */
export interface Projected<S, R> {
  readonly state: S;
  readonly result: R;
}

/** How long the application waits for projections to catch up, and how often it looks. */
const PATIENCE_MS = 10_000;
const POLL_MS = 20;

/** Reads until `done` holds or the patience runs out; returns the last read either way. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * JSON equality regardless of the order of object keys, for states read back from the server: the server sends a
 * state as a protobuf `Struct`, a map, and the official client hands its keys back sorted, ours in wire order.
 */
export function sameJson(left: unknown, right: unknown): boolean {
  return JSON.stringify(canonical(left)) === JSON.stringify(canonical(right));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, canonical(item)]));
}

/** The totals the application expects of `orders`, with `discount` percent off every price. */
export function expectedTotals(orders: readonly Order[], discount = 0): OrderTotals {
  const lines = orders.flatMap((order) => order.lines);
  return {
    orders: orders.length,
    items: lines.reduce((sum, line) => sum + line.quantity, 0),
    revenue: lines.reduce((sum, line) => sum + (line.quantity * line.price * (100 - discount)) / 100, 0),
    shipped: orders.filter((order) => order.shipped).length,
  };
}

/** What the per-order projection is expected to keep for `order`. */
export function expectedSummary(order: Order): OrderSummary {
  return {
    customer: order.customer,
    lines: order.lines.length,
    total: order.lines.reduce((sum, line) => sum + line.quantity * line.price, 0),
    shipped: order.shipped,
  };
}

/** The events that place `order` in a run tagged `run`. */
function orderEvents(order: Order, run: string): EventToWrite[] {
  const event = (type: string, data: Record<string, unknown>) => ({
    id: randomUUID(),
    type,
    data: { run, ...data },
  });
  return [
    event('OrderPlaced', { customer: order.customer }),
    ...order.lines.map((line) => event('ItemAdded', { ...line })),
    ...(order.shipped ? [event('OrderShipped', {})] : []),
  ];
}

/** The order application over one event store. */
export class OrderApplication {
  constructor(readonly store: EventStorePort) {}

  /**
   * Places `orders`, each in a new stream, one after the other. Their events are tagged with a fresh run, or
   * with the run of `book`, whose orders the new ones then follow.
   */
  async placeOrders(orders: readonly Order[], book?: OrderBook): Promise<OrderBook> {
    const run = book?.run ?? randomUUID().replaceAll('-', '');
    const placed = [...(book?.orders ?? [])];
    for (const order of orders) {
      const streamName = `order-${randomUUID()}`;
      const events = orderEvents(order, run);
      await this.store.appendToNewStream(streamName, events);
      placed.push({ label: `order#${placed.length + 1}`, streamName, events });
    }
    return { run, orders: placed };
  }

  /** Ships the order `label` of `book`: one more event in its stream. Returns the book with it. */
  async ship(book: OrderBook, label: string): Promise<OrderBook> {
    const shipped = { id: randomUUID(), type: 'OrderShipped', data: { run: book.run } };
    const orders = book.orders.map((order) =>
      order.label === label ? { ...order, events: [...order.events, shipped] } : order,
    );
    const order = orders.find((placed) => placed.label === label);
    if (order === undefined) throw new Error(`no ${label} in the book`);
    await this.store.appendToStream(order.streamName, [shipped]);
    return { run: book.run, orders };
  }

  /** The events of each order's own stream, read without links. */
  async readOrders(book: OrderBook): Promise<ObservedEvent[][]> {
    const streams = book.orders.map((order) => this.store.readStream(order.streamName, false));
    return (await Promise.all(streams)).map((events) => events.map((event) => observed(book, event)));
  }

  /** The book's events read through `$ce-order`, once every one of them is there. */
  readCategory(book: OrderBook): Promise<LinkedRead> {
    return this.readLinks(book, '$ce-order', book.orders.flatMap((order) => order.events).length);
  }

  /** The book's `OrderShipped` events read through `$et-OrderShipped`, once every one of them is there. */
  readShipments(book: OrderBook): Promise<LinkedRead> {
    const shipped = book.orders
      .flatMap((order) => order.events)
      .filter((event) => event.type === 'OrderShipped');
    return this.readLinks(book, '$et-OrderShipped', shipped.length);
  }

  private async readLinks(book: OrderBook, streamName: string, expected: number): Promise<LinkedRead> {
    const ours = new Set(book.orders.map((order) => order.streamName));
    const events = await until(
      async () =>
        (await this.store.readStream(streamName, true)).filter((event) => ours.has(event.streamName)),
      (found) => found.length >= expected,
    );
    const linkPositions = events.map((event) => event.link?.streamPosition ?? -1n);
    return {
      events: events.map((event) => observed(book, event)),
      linkPositionsAscending: linkPositions.every(
        (position, index) => index === 0 || position > (linkPositions[index - 1] ?? position),
      ),
    };
  }

  /** Creates the projection that totals the book's orders; returns its name. */
  async startTotals(book: OrderBook): Promise<string> {
    const name = `order-totals-${book.run}`;
    await this.store.createProjection(name, totalsQuery(book.run));
    return name;
  }

  /** The totals projection's state (once it is `expected`) and result. */
  async totals(name: string, expected: OrderTotals): Promise<Projected<OrderTotals, OrderTotalsResult>> {
    const state = await until(
      () => this.store.projectionState(name),
      (found) => sameJson(found, expected),
    );
    const result = await this.store.projectionResult(name);
    return { state: state as OrderTotals, result: result as OrderTotalsResult };
  }

  /** Creates the per-order projection; returns its name. */
  async startSummaries(book: OrderBook): Promise<string> {
    const name = `order-summaries-${book.run}`;
    await this.store.createProjection(name, perOrderQuery);
    return name;
  }

  /** The per-order projection's state and result for each order of `book`, once each is as `orders` say. */
  async summaries(
    name: string,
    book: OrderBook,
    orders: readonly Order[],
  ): Promise<Projected<OrderSummary, OrderSummaryResult>[]> {
    return Promise.all(
      book.orders.map(async ({ streamName }, index) => {
        const expected = orders[index] === undefined ? undefined : expectedSummary(orders[index]);
        const read = () => this.store.projectionState(name, streamName);
        const state = await until(read, (found) => sameJson(found, expected));
        const result = await this.store.projectionResult(name, streamName);
        return { state: state as OrderSummary, result: result as OrderSummaryResult };
      }),
    );
  }

  /** The projection's status once `done` accepts it (or the patience runs out). */
  status(name: string, done: (status: string | undefined) => boolean): Promise<string | undefined> {
    return until(() => this.store.projectionStatus(name), done);
  }
}

/** An event read, in the run-independent terms of {@link ObservedEvent}. */
function observed(book: OrderBook, event: EventRead): ObservedEvent {
  const order = book.orders.find((placed) => placed.streamName === event.streamName);
  const written = order?.events[Number(event.streamPosition)];
  const data = { ...(event.data as Record<string, unknown>) };
  delete data.run;
  return {
    event: `${order?.label ?? event.streamName}@${event.streamPosition}`,
    written: written !== undefined && written.id === event.id,
    type: event.type,
    data,
    link: event.link?.streamName,
  };
}
