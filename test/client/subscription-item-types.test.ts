// The item types of catch-up subscriptions, checked by the compiler (`tsc`, and ts-jest when this suite runs):
// the flags of the options select them, a subscription without flags is still a CatchUpSubscription of
// RecordedEvent, and CaughtUp and Checkpoint are nominal, so that `instanceof` narrows a subscription's items.
// Nothing here talks to a server: the subscriptions are made and closed before any item is asked for.
import {
  type CatchUpItem,
  type CatchUpSubscription,
  CaughtUp,
  Checkpoint,
  EsdbClient,
  RecordedEvent,
  type SubscribeAllEventsOptions,
  type SubscribeStreamEventsOptions,
} from '../../src/client/index.js';

/** `true` when A and B are assignable both ways (the item types here are unions of nominal classes). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Compiles only when `check` is `true`. */
function expectType<Check extends true>(check: Check): Check {
  return check;
}

/** The item type of a subscription. */
type ItemOf<S> = S extends CatchUpSubscription<infer Item> ? Item : never;

const client = new EsdbClient({ host: '127.0.0.1', port: 1, tls: false });
const made: { close(): Promise<void> }[] = [];

afterAll(async () => {
  await Promise.all(made.map((subscription) => subscription.close()));
  // Closing the client closes the rest.
  await client.close();
});

// Each subscription is assigned to a constant first: a contextual type (a parameter's, say) would take part
// in inferring the flags, and the test would check that context instead of the options.

test('without flags a subscription yields RecordedEvent, and is what CatchUpSubscription names', () => {
  const all = client.subscribeAllEvents({ commitPosition: 1n });
  const stream = client.subscribeStreamEvents({ streamName: 'orders' });
  const none = client.subscribeAllEvents();
  const off = client.subscribeAllEvents({ includeCaughtUp: false, includeCheckpoints: undefined });
  const options: SubscribeAllEventsOptions = { commitPosition: 5 };
  const fromOptions = client.subscribeAllEvents(options);
  const annotated: CatchUpSubscription = client.subscribeAllEvents({ commitPosition: 5 });
  const asIterable: AsyncIterable<RecordedEvent> = client.subscribeStreamEvents({ streamName: 'x' });
  made.push(all, stream, none, off, fromOptions, annotated);
  expect([
    expectType<Same<ItemOf<typeof all>, RecordedEvent>>(true),
    expectType<Same<ItemOf<typeof stream>, RecordedEvent>>(true),
    expectType<Same<ItemOf<typeof none>, RecordedEvent>>(true),
    expectType<Same<ItemOf<typeof off>, RecordedEvent>>(true),
    expectType<Same<ItemOf<typeof fromOptions>, RecordedEvent>>(true),
  ]).toEqual([true, true, true, true, true]);
  expect(typeof asIterable[Symbol.asyncIterator]).toBe('function');
});

test('each flag set to true adds its item type; a flag typed boolean adds it too', () => {
  const flag: boolean = Math.random() < 2;
  const caughtUp = client.subscribeAllEvents({ includeCaughtUp: true });
  const checkpoints = client.subscribeAllEvents({ includeCheckpoints: true, filterInclude: ['A'] });
  const both = client.subscribeAllEvents({ includeCaughtUp: true, includeCheckpoints: true });
  const dynamic = client.subscribeAllEvents({ includeCheckpoints: flag });
  const stream = client.subscribeStreamEvents({ streamName: 'orders', includeCaughtUp: true });
  const streamOptions: SubscribeStreamEventsOptions<boolean> = {
    streamName: 'orders',
    includeCaughtUp: flag,
  };
  const dynamicStream = client.subscribeStreamEvents(streamOptions);
  made.push(caughtUp, checkpoints, both, dynamic, stream, dynamicStream);
  expect([
    expectType<Same<ItemOf<typeof caughtUp>, RecordedEvent | CaughtUp>>(true),
    expectType<Same<ItemOf<typeof checkpoints>, RecordedEvent | Checkpoint>>(true),
    expectType<Same<ItemOf<typeof both>, RecordedEvent | CaughtUp | Checkpoint>>(true),
    expectType<Same<ItemOf<typeof dynamic>, RecordedEvent | Checkpoint>>(true),
    expectType<Same<ItemOf<typeof stream>, RecordedEvent | CaughtUp>>(true),
    expectType<Same<ItemOf<typeof dynamicStream>, RecordedEvent | CaughtUp>>(true),
  ]).toEqual([true, true, true, true, true, true]);
});

test('the compiler refuses what the options and item types do not allow', () => {
  const withCheckpoints = client.subscribeAllEvents({ includeCheckpoints: true });
  made.push(withCheckpoints);
  // @ts-expect-error: a subscription that yields checkpoints is not a subscription of events only.
  const eventsOnly: CatchUpSubscription = withCheckpoints;
  // @ts-expect-error: SubscribeAllEventsOptions without type arguments cannot ask for progress items.
  const options: SubscribeAllEventsOptions = { includeCaughtUp: true };
  // @ts-expect-error: checkpoints belong to subscriptions to all streams.
  const streamOptions: SubscribeStreamEventsOptions = { streamName: 's', includeCheckpoints: true };
  // @ts-expect-error: a misspelt option is an excess property for the compiler, as it is an error at run time.
  expect(() => client.subscribeAllEvents({ commitPositon: 5 })).toThrow(/unknown option 'commitPositon'/);
  expect([eventsOnly, options, streamOptions]).toHaveLength(3);
});

test('CaughtUp and Checkpoint are nominal, so instanceof narrows the items both ways', () => {
  // A RecordedEvent has a commitPosition, but it is no Checkpoint, nor a CaughtUp.
  expectType<Same<RecordedEvent extends Checkpoint ? true : false, false>>(true);
  expectType<Same<RecordedEvent extends CaughtUp ? true : false, false>>(true);
  expectType<Same<{ commitPosition: bigint } extends Checkpoint ? true : false, false>>(true);
  const event = new RecordedEvent({
    id: '5f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5',
    type: 'Placed',
    data: new Uint8Array(),
    metadata: new Uint8Array(),
    contentType: 'application/octet-stream',
    streamName: 'orders',
    streamPosition: 0n,
    commitPosition: 1200n,
    recordedAt: 0,
  });
  const items: CatchUpItem<true, true>[] = [event, new CaughtUp(), new Checkpoint(1500n)];
  const described = items.map((item) => {
    if (item instanceof Checkpoint) return `checkpoint ${item.commitPosition}`;
    if (item instanceof CaughtUp) return 'caught up';
    // Narrowed to RecordedEvent: neither test above took it away.
    const narrowed: RecordedEvent = item;
    return `event ${narrowed.type}`;
  });
  expect(described).toEqual(['event Placed', 'caught up', 'checkpoint 1500']);
  expect(Object.isFrozen(new Checkpoint(1n))).toBe(true);
  expect(Object.isFrozen(new CaughtUp())).toBe(true);
});
