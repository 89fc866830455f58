/**
 * Contract: catch-up subscriptions to one stream (`subscribeToStream`) with the official client, over grpc-js
 * (§3.8).
 */
import { randomUUID } from 'node:crypto';

import {
  END,
  START,
  StreamDeletedError,
  jsonEvent,
  type ResolvedEvent,
  type StreamSubscription,
} from '@kurrent/kurrentdb-client';

import { MODES, makeEvents, sleep, uniqueStream, useContractTarget, waitFor } from './harness.js';
import { SubscriptionRecorder } from './subscription-recorder.js';

jest.setTimeout(30_000);

describe.each(MODES)('subscribeToStream (%s)', (mode) => {
  const target = useContractTarget(mode);
  const recorders: SubscriptionRecorder<ResolvedEvent>[] = [];

  afterEach(async () => {
    await Promise.allSettled(recorders.map((recorder) => recorder.stop()));
    recorders.length = 0;
  });

  function record(subscription: StreamSubscription): SubscriptionRecorder<ResolvedEvent> {
    const recorder = new SubscriptionRecorder<ResolvedEvent>();
    recorder.attach(subscription);
    recorders.push(recorder);
    return recorder;
  }

  const revisions = (events: ResolvedEvent[]) => events.map((resolved) => resolved.event?.revision);

  test('delivers the existing events, then caughtUp, then live events', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-stream');
    const history = makeEvents(3);
    await client.appendToStream(stream, history);

    const recorder = record(client.subscribeToStream(stream, { fromRevision: START }));
    const caughtUp = await recorder.waitForSignal('caughtUp');
    // §3.8 / §5 item 4: the confirmation comes first; caught_up follows the catch-up events.
    expect(recorder.signals[0]?.kind).toBe('confirmation');
    expect(caughtUp).toEqual({ kind: 'caughtUp', eventsBefore: 3 });

    const live = makeEvents(2);
    await client.appendToStream(stream, live);
    const events = await recorder.waitForEvents(5);
    // §3.8: live events follow in order, with the ids and data that were appended.
    expect(revisions(events)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(events.map((resolved) => resolved.event?.id)).toEqual(
      [...history, ...live].map((event) => event.id),
    );
    expect(events[4]?.event?.data).toEqual({ index: 1 });
    expect(recorder.error).toBeUndefined();
  });

  test('fromRevision is exclusive: delivery starts after R', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-stream-from');
    await client.appendToStream(stream, makeEvents(4));

    const recorder = record(client.subscribeToStream(stream, { fromRevision: 1n }));
    const caughtUp = await recorder.waitForSignal('caughtUp');
    // §3.8: `revision` R delivers events after R, from R+1 on.
    expect(caughtUp).toEqual({ kind: 'caughtUp', eventsBefore: 2 });
    expect(revisions(recorder.events)).toEqual([2n, 3n]);
  });

  test('from the end delivers only events appended after the subscription started', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-stream-end');
    await client.appendToStream(stream, makeEvents(2));

    const recorder = record(client.subscribeToStream(stream, { fromRevision: END }));
    const caughtUp = await recorder.waitForSignal('caughtUp');
    // §3.8: from `end`, caught_up follows the confirmation immediately.
    expect(caughtUp).toEqual({ kind: 'caughtUp', eventsBefore: 0 });

    await client.appendToStream(stream, makeEvents(1));
    await recorder.waitForEvents(1);
    expect(revisions(recorder.events)).toEqual([2n]);
  });

  test('a stream that does not exist yet is not an error: its events arrive once it is created', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-stream-missing');

    const recorder = record(client.subscribeToStream(stream, { fromRevision: START }));
    const caughtUp = await recorder.waitForSignal('caughtUp');
    // §3.8: no stream_not_found for subscriptions; a missing stream is caught up at once.
    expect(caughtUp).toEqual({ kind: 'caughtUp', eventsBefore: 0 });

    const created = makeEvents(2);
    await client.appendToStream(stream, created);
    await recorder.waitForEvents(2);
    expect(recorder.events.map((resolved) => resolved.event?.id)).toEqual(created.map((event) => event.id));
    expect(recorder.error).toBeUndefined();
  });

  test('a soft-deleted stream is treated as empty; appends recreate it and are delivered', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-stream-soft-deleted');
    await client.appendToStream(stream, makeEvents(2));
    await client.deleteStream(stream);

    const recorder = record(client.subscribeToStream(stream, { fromRevision: START }));
    await recorder.waitForSignal('caughtUp');
    // §3.8: a soft-deleted stream is treated like an empty one: nothing to catch up on, no error.
    expect(recorder.events).toEqual([]);

    await client.appendToStream(stream, makeEvents(1));
    await recorder.waitForEvents(1);
    // §3.13: the recreated stream continues the numbering.
    expect(revisions(recorder.events)).toEqual([2n]);
  });

  test('subscribing to a tombstoned stream fails with stream-deleted', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-stream-tombstoned');
    await client.appendToStream(stream, makeEvents(1));
    await client.tombstoneStream(stream);

    const recorder = record(client.subscribeToStream(stream, { fromRevision: START }));
    const error = await recorder.waitForError();
    // §3.8: the live subscription service refuses a tombstoned stream with FAILED_PRECONDITION stream-deleted.
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect((error as StreamDeletedError).streamName).toBe(stream);
  });

  test('a stream tombstoned while subscribed delivers the tombstone, then fails with stream-deleted', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-stream-tombstoned-live');
    await client.appendToStream(stream, makeEvents(1));

    const recorder = record(client.subscribeToStream(stream, { fromRevision: START }));
    await recorder.waitForSignal('caughtUp');
    await client.tombstoneStream(stream);

    const error = await recorder.waitForError();
    await waitFor(() => recorder.events.length >= 2, 'the tombstone event');
    // §3.8: the `$streamDeleted` event is delivered as an event, then the call fails with stream-deleted.
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect(recorder.events.map((resolved) => resolved.event?.type)).toEqual([
      'ContractEvent',
      '$streamDeleted',
    ]);
    expect(recorder.events[1]?.event?.revision).toBe(9223372036854775807n);
  });

  test('event ids come back in the lower-case string form, whatever case was appended', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-stream-ids');
    const upper = [randomUUID().toUpperCase(), randomUUID().toUpperCase()];
    // One event through each append path: BatchAppend (default) and Append (per-call credentials).
    await client.appendToStream(stream, jsonEvent({ id: upper[0], type: 'Upper', data: {} }));
    await client.appendToStream(stream, jsonEvent({ id: upper[1], type: 'Upper', data: {} }), {
      credentials: target().admin,
    });

    const recorder = record(client.subscribeToStream(stream, { fromRevision: START }));
    await recorder.waitForEvents(2);
    // §3.11: the server accepts any form .NET Guid.Parse takes and writes lower-case; subscriptions use
    // the string form NODE asks for (grpc-js passes it through unchanged).
    expect(recorder.events.map((resolved) => resolved.event?.id)).toEqual(
      upper.map((id) => id.toLowerCase()),
    );
  });

  test('events of other streams are not delivered', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-stream-own');
    const recorder = record(client.subscribeToStream(stream, { fromRevision: START }));
    await recorder.waitForSignal('caughtUp');

    await client.appendToStream(uniqueStream('sub-stream-other'), makeEvents(2));
    await client.appendToStream(stream, makeEvents(1));
    await recorder.waitForEvents(1);
    await sleep(200);
    // §3.8: a stream subscription delivers only that stream's events.
    expect(recorder.events.every((resolved) => resolved.event?.streamId === stream)).toBe(true);
    expect(recorder.events).toHaveLength(1);
  });
});
