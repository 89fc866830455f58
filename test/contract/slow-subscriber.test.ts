/**
 * Contract: a catch-up subscription of the official client that is paused while live (§3.8 item 6, §3.8.1).
 * The paused readable stops reading the call, the server stops sending, and enough events appended meanwhile
 * overflow the server's live buffer: it catches up again and raises `caughtUp` a second time, every event once,
 * in order; a filtered `$all` subscription also gets a checkpoint first. Fewer events do not overflow it.
 */
import { jsonEvent, type ResolvedEvent, START, streamNameFilter } from '@kurrent/kurrentdb-client';

import { MODES, uniqueStream, useContractTarget, waitFor } from './harness.js';
import { SubscriptionRecorder } from './subscription-recorder.js';

jest.setTimeout(60_000);

/** Large enough that a few events fill the transport's buffers, so the server holds the rest. */
const PADDING = 'x'.repeat(48 * 1024);

type Client = ReturnType<ReturnType<ReturnType<typeof useContractTarget>>['client']>;

/** Appends `count` padded events numbered from `first`, ten to an append. */
async function appendPadded(client: Client, stream: string, count: number, first = 0): Promise<void> {
  for (let start = first; start < first + count; start += 10) {
    const size = Math.min(10, first + count - start);
    const events = Array.from({ length: size }, (_, index) =>
      jsonEvent({ type: 'Padded', data: { n: start + index, pad: PADDING } }),
    );
    await client.appendToStream(stream, events);
  }
}

const numbersOf = (events: readonly ResolvedEvent[]): number[] =>
  events.map((resolved) => (resolved.event?.data as { n: number }).n);

const numbers = (count: number, first = 0): number[] => Array.from({ length: count }, (_, n) => first + n);

describe.each(MODES)('a paused catch-up subscription (%s)', (mode) => {
  const target = useContractTarget(mode);
  const recorders: SubscriptionRecorder<ResolvedEvent>[] = [];

  afterEach(async () => {
    await Promise.allSettled(recorders.map((recorder) => recorder.stop()));
    recorders.length = 0;
  });

  function recorder(): SubscriptionRecorder<ResolvedEvent> {
    const made = new SubscriptionRecorder<ResolvedEvent>();
    recorders.push(made);
    return made;
  }

  const caughtUps = (of: SubscriptionRecorder<ResolvedEvent>) =>
    of.signals.filter((signal) => signal.kind === 'caughtUp');

  test('a stream subscription far behind: caughtUp again after every event, once each', async () => {
    const client = target().client();
    const stream = uniqueStream('slow-sub');
    const sub = recorder();
    const subscription = sub.attach(client.subscribeToStream(stream, { fromRevision: START }));
    await sub.waitForSignal('caughtUp');
    subscription.pause();
    await appendPadded(client, stream, 200);
    subscription.resume();
    await sub.waitForEvents(200, 30_000);
    expect(numbersOf(sub.events)).toEqual(numbers(200));
    // §3.8.1: the second caught_up follows the catch-up from storage, which reached the end of the stream.
    expect(caughtUps(sub)).toEqual([
      { kind: 'caughtUp', eventsBefore: 0 },
      { kind: 'caughtUp', eventsBefore: 200 },
    ]);
    expect(sub.error).toBeUndefined();
  });

  test('a filtered $all subscription far behind: a checkpoint, the events, then caughtUp again', async () => {
    const client = target().client();
    const stream = uniqueStream('slow-sub-all');
    // A first event, so that the first checkpoint is a position: after the "nothing yet" checkpoint of a catch-up
    // that matched nothing, the server passes no checkpoint on (§3.9.1).
    await appendPadded(client, stream, 1);
    const sub = recorder();
    // No live or catch-up interval checkpoints in this test: only the ones falling behind and catching up send.
    const filter = streamNameFilter({
      prefixes: [stream],
      checkpointInterval: 10_000,
      checkpointReached: sub.checkpointReached,
    });
    const subscription = sub.attach(client.subscribeToAll({ fromPosition: START, filter }));
    await sub.waitForSignal('caughtUp');
    subscription.pause();
    const before = sub.signals.length;
    await appendPadded(client, stream, 200, 1);
    subscription.resume();
    await sub.waitForEvents(201, 30_000);
    await waitFor(() => caughtUps(sub).length === 2, 'a second caughtUp');
    expect(numbersOf(sub.events)).toEqual(numbers(201));
    const [fellBehind, endOfCatchUp, caughtUp, ...more] = sub.signals.slice(before);
    expect(more).toEqual([]);
    // §3.8.1: a checkpoint at the last event sent live, then the catch-up's at the end, then caught_up.
    if (fellBehind?.kind !== 'checkpoint') throw new Error(`expected a checkpoint, got ${fellBehind?.kind}`);
    expect(fellBehind.eventsBefore).toBeGreaterThan(1);
    expect(fellBehind.eventsBefore).toBeLessThan(201);
    expect(fellBehind.position).toEqual(sub.events[fellBehind.eventsBefore - 1]?.event?.position);
    expect(endOfCatchUp).toEqual({
      kind: 'checkpoint',
      position: sub.events[200]?.event?.position,
      eventsBefore: 201,
    });
    expect(caughtUp).toEqual({ kind: 'caughtUp', eventsBefore: 201 });
    expect(sub.error).toBeUndefined();
  });

  test('a stream subscription a little behind: the events and no second caughtUp', async () => {
    const client = target().client();
    const stream = uniqueStream('slow-sub-few');
    const sub = recorder();
    const subscription = sub.attach(client.subscribeToStream(stream, { fromRevision: START }));
    await sub.waitForSignal('caughtUp');
    subscription.pause();
    await appendPadded(client, stream, 40);
    subscription.resume();
    await sub.waitForEvents(40, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(numbersOf(sub.events)).toEqual(numbers(40));
    expect(caughtUps(sub)).toHaveLength(1);
  });
});
