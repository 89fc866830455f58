/**
 * appendEvents and getStreamPosition against a server, in insecure and secure mode: the seed README's append
 * behaviours (expected positions, optimistic concurrency, atomicity, commit positions), concurrency and large
 * appends. Run once per path an append can take (BatchAppend, Append) by the suites that choose the path.
 */
import {
  ExpectedPositionError,
  MaximumAppendSizeExceededError,
  NewEvent,
  RecordedEvent,
  StreamDeletedError,
} from '../../../src/client/index.js';
import { BatchAppender } from '../../../src/client/streams/batch-appender.js';
import {
  AGAINST_EMULATOR,
  MODES,
  rejectionOf,
  textOf,
  uniqueStream,
  useClientTarget,
  utf8,
  type ClientTarget,
} from './target.js';

const event = (type: string, data: string): NewEvent =>
  new NewEvent({ type, data: utf8(data), metadata: utf8('{}') });

/** The path appends take: the node's shared BatchAppend call, or one Append call each. */
export type AppendPath = 'BatchAppend' | 'Append';

/** Registers the append suites (both modes) for a suite that has made appends take `path`. */
export function describeAppendBehaviours(path: AppendPath): void {
  describe.each(MODES)(`appendEvents over ${path} (%s)`, (mode) => {
    appendBehaviours(path, useClientTarget(mode));
  });
}

function appendBehaviours(path: AppendPath, target: () => ClientTarget): void {
  test(`appends go over ${path}`, async () => {
    const batchAppends = jest.spyOn(BatchAppender.prototype, 'append');
    try {
      const client = target().client();
      await client.appendEvents({
        streamName: uniqueStream(),
        expectedPosition: null,
        events: [event('A', '1')],
      });
      expect(batchAppends).toHaveBeenCalledTimes(path === 'BatchAppend' ? 1 : 0);
    } finally {
      batchAppends.mockRestore();
    }
  });

  test('100 concurrent appends, to different streams and to one stream with any, all get their positions', async () => {
    const client = target().client();
    const streams = Array.from({ length: 100 }, () => uniqueStream());
    const own = await Promise.all(
      streams.map((streamName, index) =>
        client.appendEvents({ streamName, expectedPosition: null, events: [event('A', String(index))] }),
      ),
    );
    expect(new Set(own).size).toBe(100);
    for (const [index, streamName] of streams.entries()) {
      const [recorded] = await client.readStreamEvents({ streamName }).toArray();
      expect(recorded?.commitPosition).toBe(own[index]);
      expect(textOf(recorded?.data ?? new Uint8Array())).toBe(String(index));
    }
    const shared = uniqueStream();
    const positions = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        client.appendEvents({
          streamName: shared,
          expectedPosition: -1,
          events: [event('B', String(index))],
        }),
      ),
    );
    const recorded = await client.readStreamEvents({ streamName: shared }).toArray();
    expect(recorded).toHaveLength(100);
    // Each append's answer is the position its own event was written at.
    const positionOf = new Map(recorded.map((item) => [textOf(item.data), item.commitPosition]));
    expect(positions).toEqual(positions.map((_, index) => positionOf.get(String(index))));
  });

  test('an append of nearly 1 MiB (several BatchAppend chunks) is recorded whole', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    // Four events of 255 KiB: just under the 1 MiB MaxAppendSize of servers up to 25.0 (§3.18).
    const events = [0, 1, 2, 3].map(
      (index) => new NewEvent({ type: 'Big', data: new Uint8Array(255 * 1024).fill(index) }),
    );
    const commitPosition = await client.appendEvents({ streamName, expectedPosition: null, events });
    const recorded = await client.readStreamEvents({ streamName }).toArray();
    expect(recorded.map((item) => item.id)).toEqual(events.map((item) => item.id));
    expect(recorded.map((item) => item.data[0])).toEqual([0, 1, 2, 3]);
    expect(recorded.every((item) => item.data.byteLength === 255 * 1024)).toBe(true);
    expect(recorded[3]?.commitPosition).toBe(commitPosition);
  });

  test('appends to a new stream with expectedPosition null, then continues from the last position', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    const commitPosition1 = await client.appendEvents({
      streamName,
      expectedPosition: null,
      events: [event('OrderCreated', 'data1')],
    });
    const commitPosition2 = await client.appendEvents({
      streamName,
      expectedPosition: 0,
      events: [event('OrderUpdated', 'data2'), event('OrderDeleted', 'data3')],
    });
    expect(typeof commitPosition1).toBe('bigint');
    expect(commitPosition2).toBeGreaterThan(commitPosition1);
    expect(await client.getStreamPosition({ streamName })).toBe(2n);
    const events = await client.readStreamEvents({ streamName }).toArray();
    expect(events.map((recorded) => textOf(recorded.data))).toEqual(['data1', 'data2', 'data3']);
    // The returned commit position is that of the last event appended.
    expect(events[0]?.commitPosition).toBe(commitPosition1);
    expect(events[2]?.commitPosition).toBe(commitPosition2);
  });

  test('accepts positions as bigint and plain event options', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    await client.appendEvents({
      streamName,
      expectedPosition: null,
      events: [{ type: 'A', data: utf8('1') }],
    });
    await client.appendEvents({ streamName, expectedPosition: 0n, events: [{ type: 'B', data: utf8('2') }] });
    expect(await client.getStreamPosition({ streamName })).toBe(1n);
  });

  test('a wrong expected position fails with ExpectedPositionError carrying expected and actual', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    await client.appendEvents({
      streamName,
      expectedPosition: null,
      events: [event('A', '1'), event('B', '2')],
    });

    const tooOld = await rejectionOf(
      client.appendEvents({ streamName, expectedPosition: 0, events: [event('C', '3')] }),
    );
    expect(tooOld).toBeInstanceOf(ExpectedPositionError);
    expect(tooOld).toMatchObject({ streamName, expectedPosition: 0n, actualPosition: 1n });

    const exists = await rejectionOf(
      client.appendEvents({ streamName, expectedPosition: null, events: [event('C', '3')] }),
    );
    expect(exists).toMatchObject({
      name: 'ExpectedPositionError',
      expectedPosition: null,
      actualPosition: 1n,
    });

    const missing = uniqueStream();
    const absent = await rejectionOf(
      client.appendEvents({ streamName: missing, expectedPosition: 3, events: [event('C', '3')] }),
    );
    expect(absent).toMatchObject({
      name: 'ExpectedPositionError',
      expectedPosition: 3n,
      actualPosition: null,
    });

    // Nothing of the failed appends was recorded.
    expect(await client.getStreamPosition({ streamName })).toBe(1n);
    expect(await client.getStreamPosition({ streamName: missing })).toBeNull();
  });

  test('retrying an append of the same events succeeds without recording them twice', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    const events = [event('A', '1'), event('B', '2')];
    const first = await client.appendEvents({ streamName, expectedPosition: null, events });
    // The same event ids again, as after a lost reply: the server treats it as a retry (§3.6).
    const retried = await client.appendEvents({ streamName, expectedPosition: null, events });
    expect(retried).toBe(first);
    expect(await client.getStreamPosition({ streamName })).toBe(1n);
  });

  test('a negative expected position disables the check', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    await client.appendEvents({ streamName, expectedPosition: -1, events: [event('A', '1')] });
    await client.appendEvents({ streamName, expectedPosition: -1n, events: [event('B', '2')] });
    await client.appendEvents({ streamName, expectedPosition: -42, events: [event('C', '3')] });
    expect(await client.getStreamPosition({ streamName })).toBe(2n);
  });

  test('getStreamPosition of a stream that does not exist is null', async () => {
    const client = target().client();
    expect(await client.getStreamPosition({ streamName: uniqueStream() })).toBeNull();
  });

  test('recorded events carry what was appended', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const appended = new NewEvent({
      type: 'OrderCreated',
      data: utf8('{"a":1}'),
      metadata: utf8('{"m":2}'),
      id: id.toUpperCase(),
      contentType: 'application/json',
    });
    const before = Date.now();
    const commitPosition = await client.appendEvents({
      streamName,
      expectedPosition: null,
      events: [appended],
    });
    const [recorded] = await client.readStreamEvents({ streamName }).toArray();
    expect(recorded).toBeInstanceOf(RecordedEvent);
    expect(recorded).toMatchObject({
      id,
      type: 'OrderCreated',
      contentType: 'application/json',
      streamName,
      streamPosition: 0n,
      commitPosition,
    });
    expect(textOf(recorded?.data ?? new Uint8Array())).toBe('{"a":1}');
    expect(textOf(recorded?.metadata ?? new Uint8Array())).toBe('{"m":2}');
    const recordedAt = recorded?.recordedAt.getTime() ?? 0;
    expect(recordedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(recordedAt).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test('events are opaque bytes by default (application/octet-stream)', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    const appended = event('OrderCreated', 'not json');
    await client.appendEvents({ streamName, expectedPosition: null, events: [appended] });
    const [recorded] = await client.readStreamEvents({ streamName }).toArray();
    expect(recorded?.contentType).toBe('application/octet-stream');
    expect(recorded?.id).toBe(appended.id);
  });

  test('an append is atomic: one that is too big records none of its events', async () => {
    if (!AGAINST_EMULATOR) return; // the limit depends on the server's configuration
    const client = target().client();
    const streamName = uniqueStream();
    // The emulator's MaxAppendSize is 1 MiB, as servers up to 25.0 (§3.18).
    const big = new Uint8Array(700 * 1024);
    const error = await rejectionOf(
      client.appendEvents({
        streamName,
        expectedPosition: null,
        events: [new NewEvent({ type: 'Big', data: big }), new NewEvent({ type: 'Big', data: big })],
      }),
    );
    expect(error).toBeInstanceOf(MaximumAppendSizeExceededError);
    expect((error as MaximumAppendSizeExceededError).maximumAppendSize).toBe(1024 * 1024);
    expect(await client.getStreamPosition({ streamName })).toBeNull();
  });

  test('appending to a tombstoned stream fails with StreamDeletedError', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    await client.appendEvents({ streamName, expectedPosition: null, events: [event('A', '1')] });
    // The client has no delete method yet: tombstone through the raw protocol client.
    await client.tombstoneStream({ streamName });
    const error = await rejectionOf(
      client.appendEvents({ streamName, expectedPosition: -1, events: [event('B', '2')] }),
    );
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect((error as StreamDeletedError).streamName).toBe(streamName);
    const readError = await rejectionOf(client.readStreamEvents({ streamName }).toArray());
    expect(readError).toBeInstanceOf(StreamDeletedError);
  });
}
