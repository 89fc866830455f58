// A client too slow for a live catch-up subscription (docs/protocol.md §3.8 item 6, §3.8.1; 24.10:
// Enumerator.cs `MaxLiveEventBufferCount`, Enumerator.StreamSubscription.cs / AllSubscription*.cs `GoLive`). The
// service generators are driven directly: not asking for the next message is exactly a client that stops reading.
import { ReadReq, ReadResp } from '../../src/generated/streams.js';
import { prepareRecordSize } from '../../src/emulator/log/record-size.js';
import { subscribeToAll } from '../../src/emulator/services/streams/all-subscription.js';
import { LiveBuffer } from '../../src/emulator/services/streams/live-buffer.js';
import type { ReadResponse } from '../../src/emulator/services/streams/read-responses.js';
import { readPlanOf, readTargetOf } from '../../src/emulator/services/streams/read-request.js';
import { subscribeToStream } from '../../src/emulator/services/streams/stream-subscription.js';
import { EncodedMessage } from '../../src/emulator/server/encoded-responses.js';
import { EventStore } from '../../src/emulator/store/event-store.js';
import { positionOf, toWirePosition } from '../../src/emulator/store/log-position.js';
import type { ProposedEvent, StoredEvent } from '../../src/emulator/store/stored-event.js';
import { allSubscriptionRequest, streamSubscriptionRequest } from './read-support.js';

/** Past the transport a 24.10 server holds 32 output messages, one in hand and 32 live items. */
const HELD = 65;

const sizeOf = (streamName: string, event: ProposedEvent): number =>
  prepareRecordSize({
    streamName,
    eventType: event.eventType,
    dataLength: event.data.length,
    metadataLength: event.metadata.length,
  });

const event = (): ProposedEvent => ({
  eventId: crypto.randomUUID(),
  eventType: 'Happened',
  isJson: true,
  data: new TextEncoder().encode('{}'),
  metadata: new Uint8Array(0),
});

function appendEach(store: EventStore, stream: string, count: number): void {
  for (let n = 0; n < count; n += 1) store.append(stream, { kind: 'any' }, [event()]);
}

type Subscription = AsyncGenerator<ReadResponse, void, undefined>;

const controllers: AbortController[] = [];
afterEach(() => {
  for (const controller of controllers.splice(0)) controller.abort();
});

function open(store: EventStore, request: ReturnType<typeof streamSubscriptionRequest>): Subscription {
  const controller = new AbortController();
  controllers.push(controller);
  const plan = readPlanOf(readTargetOf(ReadReq.fromPartial(request)));
  if (plan.kind === 'subscribe-stream') return subscribeToStream(store, plan, controller.signal);
  if (plan.kind === 'subscribe-all') return subscribeToAll(store, plan, controller.signal);
  throw new Error(`not a subscription: ${plan.kind}`);
}

/** What a message says, in short: `event <stream>@<revision>`, `checkpoint <commit>`, or its case. */
function summarise(message: ReadResponse): string {
  const decoded: ReadResp = message instanceof EncodedMessage ? ReadResp.decode(message.bytes) : message;
  const content = decoded.content;
  if (content?.$case === 'event') {
    const recorded = content.value.event;
    return `event ${recorded?.streamIdentifier?.streamName.toString()}@${recorded?.streamRevision}`;
  }
  if (content?.$case === 'checkpoint') return `checkpoint ${content.value.commitPosition}`;
  return content?.$case ?? 'nothing';
}

/** The next `count` messages; fails, saying what came, if they do not all come within a second. */
async function take(subscription: Subscription, count: number): Promise<string[]> {
  const messages: string[] = [];
  const deadline = Date.now() + 1000;
  while (messages.length < count) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(
        () => {
          resolve('timeout');
        },
        Math.max(0, deadline - Date.now()),
      );
    });
    const next = await Promise.race([subscription.next(), timeout]).finally(() => {
      clearTimeout(timer);
    });
    if (next === 'timeout') throw new Error(`only ${messages.length} of ${count}: ${messages.join(', ')}`);
    if (next.done === true) throw new Error('the subscription ended');
    messages.push(summarise(next.value));
  }
  return messages;
}

const events = (stream: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, n) => `event ${stream}@${from + n}`);

/** Subscribes to `stream` after 3 events and stops reading right after live event 3. */
async function slowStreamSubscriber(store: EventStore): Promise<Subscription> {
  appendEach(store, 'orders', 3);
  const subscription = open(store, streamSubscriptionRequest('orders'));
  expect(await take(subscription, 5)).toEqual(['confirmation', ...events('orders', 0, 2), 'caughtUp']);
  const first = subscription.next();
  appendEach(store, 'orders', 1);
  expect(summarise((await first).value as ReadResponse)).toBe('event orders@3');
  return subscription;
}

describe('a stream subscription whose client stops reading while live', () => {
  test(`more than ${HELD} events committed meanwhile: the held ones live, the rest caught up, caught_up again`, async () => {
    const store = new EventStore({ recordSize: sizeOf });
    const subscription = await slowStreamSubscriber(store);
    appendEach(store, 'orders', 100);
    appendEach(store, 'other', 5);
    expect(await take(subscription, 101)).toEqual([...events('orders', 4, 103), 'caughtUp']);
    appendEach(store, 'orders', 1);
    expect(await take(subscription, 1)).toEqual(['event orders@104']);
  });

  test(`${HELD + 1} pending events overflow, ${HELD} do not`, async () => {
    const store = new EventStore({ recordSize: sizeOf });
    const subscription = await slowStreamSubscriber(store);
    appendEach(store, 'orders', HELD);
    const held = await take(subscription, HELD);
    appendEach(store, 'orders', 1);
    expect([...held, ...(await take(subscription, 1))]).toEqual(events('orders', 4, 4 + HELD));

    const other = new EventStore({ recordSize: sizeOf });
    const overflowing = await slowStreamSubscriber(other);
    appendEach(other, 'orders', HELD + 1);
    expect(await take(overflowing, HELD + 2)).toEqual([...events('orders', 4, 4 + HELD), 'caughtUp']);
  });

  test('events appended in one batch while the client keeps up never overflow', async () => {
    const store = new EventStore({ recordSize: sizeOf });
    const subscription = await slowStreamSubscriber(store);
    const next = subscription.next();
    store.append('orders', { kind: 'any' }, Array.from({ length: 200 }, event));
    expect(summarise((await next).value as ReadResponse)).toBe('event orders@4');
    const rest = await take(subscription, 199);
    appendEach(store, 'orders', 1);
    expect([...rest, ...(await take(subscription, 1))]).toEqual(events('orders', 5, 204));
  });

  test('a tombstone beyond what the server held ends the call from catching up, without $streamDeleted', async () => {
    const store = new EventStore({ recordSize: sizeOf });
    const subscription = await slowStreamSubscriber(store);
    appendEach(store, 'orders', 70);
    store.tombstone('orders', { kind: 'any' });
    expect(await take(subscription, 33)).toEqual(events('orders', 4, 36));
    await expect(subscription.next()).rejects.toMatchObject({ details: "Event stream 'orders' is deleted." });
  });
});

/** The commit position of `stream`'s event `eventNumber`, as a checkpoint summary says it. */
function checkpointAt(store: EventStore, stream: string, eventNumber: number): string {
  const record = store.log.find((r) => r.streamName === stream && r.eventNumber === BigInt(eventNumber));
  if (record === undefined) throw new Error(`no ${stream}@${eventNumber}`);
  return `checkpoint ${toWirePosition(positionOf(record)).commitPosition}`;
}

/** Subscribes to `$all` (filtered on `a-`, if asked) after 3 events and stops reading right after live event 3. */
async function slowAllSubscriber(store: EventStore, filtered: boolean): Promise<Subscription> {
  appendEach(store, 'a-orders', 3);
  const filter = {
    filter: { $case: 'streamIdentifier' as const, value: { prefix: ['a-'] } },
    window: { $case: 'count' as const, value: {} },
    checkpointIntervalMultiplier: 1000,
  };
  const subscription = open(store, allSubscriptionRequest(filtered ? { filter } : {}));
  const endOfCatchUp = filtered ? [checkpointAt(store, 'a-orders', 2)] : [];
  expect(await take(subscription, 5 + endOfCatchUp.length)).toEqual([
    'confirmation',
    ...events('a-orders', 0, 2),
    ...endOfCatchUp,
    'caughtUp',
  ]);
  const first = subscription.next();
  appendEach(store, 'a-orders', 1);
  expect(summarise((await first).value as ReadResponse)).toBe('event a-orders@3');
  return subscription;
}

describe('a $all subscription whose client stops reading while live', () => {
  test('an unfiltered one catches up again on every visible record and says caught_up again', async () => {
    const store = new EventStore({ recordSize: sizeOf });
    const subscription = await slowAllSubscriber(store, false);
    appendEach(store, 'a-orders', 60);
    appendEach(store, 'b-other', 10);
    expect(await take(subscription, 71)).toEqual([
      ...events('a-orders', 4, 63),
      ...events('b-other', 0, 9),
      'caughtUp',
    ]);
    appendEach(store, 'b-other', 1);
    expect(await take(subscription, 1)).toEqual(['event b-other@10']);
  });

  test('a filtered one sends a checkpoint where it fell behind, then catches up and checkpoints again', async () => {
    const store = new EventStore({ recordSize: sizeOf });
    const subscription = await slowAllSubscriber(store, true);
    appendEach(store, 'a-orders', 100);
    appendEach(store, 'b-other', 5);
    expect(await take(subscription, 103)).toEqual([
      ...events('a-orders', 4, 36),
      checkpointAt(store, 'a-orders', 36),
      ...events('a-orders', 37, 103),
      checkpointAt(store, 'a-orders', 103),
      'caughtUp',
    ]);
  });

  test('a filtered one that matched nothing before going live sends no checkpoint when it falls behind (§3.8.1)', async () => {
    const store = new EventStore({ recordSize: sizeOf });
    appendEach(store, 'b-other', 1);
    const filter = {
      filter: { $case: 'streamIdentifier' as const, value: { prefix: ['a-'] } },
      window: { $case: 'count' as const, value: {} },
      checkpointIntervalMultiplier: 1000,
    };
    const subscription = open(store, allSubscriptionRequest({ filter }));
    expect(await take(subscription, 3)).toEqual(['confirmation', `checkpoint ${2n ** 64n - 1n}`, 'caughtUp']);
    const first = subscription.next();
    appendEach(store, 'a-orders', 1);
    expect(summarise((await first).value as ReadResponse)).toBe('event a-orders@0');
    appendEach(store, 'a-orders', 100);
    expect(await take(subscription, 101)).toEqual([...events('a-orders', 1, 100), 'caughtUp']);
  });

  test('records the filter leaves out do not fill the live buffer', async () => {
    const store = new EventStore({ recordSize: sizeOf });
    const subscription = await slowAllSubscriber(store, true);
    appendEach(store, 'a-orders', HELD);
    appendEach(store, 'b-other', 200);
    const held = await take(subscription, HELD);
    appendEach(store, 'a-orders', 1);
    expect([...held, ...(await take(subscription, 1))]).toEqual(events('a-orders', 4, 4 + HELD));
  });
});

describe('LiveBuffer counting', () => {
  /** A log of `length` records; only the array's length matters to the buffer. */
  const logOf = (length: number): StoredEvent[] => new Array<StoredEvent>(length);

  test('a client behind on records that mostly do not match is counted again only once enough could match', () => {
    const log = logOf(1000);
    let counts = 0;
    // Far behind (1000 records past the cursor), but only 10 of them would be queued.
    const buffer = new LiveBuffer(log, 1, () => {
      counts += 1;
      return 10;
    });
    log.length += 1;
    expect(buffer.fellBehind(0)).toBe(false);
    expect(counts).toBe(1);
    // 55 more records could make 65 at most: no count is needed until the 56th.
    for (let n = 1; n <= 55; n += 1) {
      log.length += 1;
      expect(buffer.fellBehind(n)).toBe(false);
    }
    expect(counts).toBe(1);
    log.length += 1;
    expect(buffer.fellBehind(56)).toBe(false);
    expect(counts).toBe(2);
  });

  test('more than the queues hold, when counted, still falls behind after the held messages', () => {
    const log = logOf(10);
    const buffer = new LiveBuffer(log, 1, () => HELD + 1);
    log.length = 200;
    expect(buffer.fellBehind(0)).toBe(false);
    const answers = Array.from({ length: 33 }, (_, n) => buffer.fellBehind(n + 1));
    expect(answers.slice(0, 32).every((answer) => !answer)).toBe(true);
    expect(answers[32]).toBe(true);
  });
});
