/**
 * Contract: `readStream` of the official client. The client reads through its native Rust bridge
 * (`@kurrent/bridge`), which speaks the same Streams.Read API (§5 item 11).
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  StreamDeletedError,
  StreamNotFoundError,
  binaryEvent,
  jsonEvent,
  type EventData,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';

import {
  MODES,
  collect,
  makeEvents,
  positionOf,
  rejectionOf,
  uniqueStream,
  useContractTarget,
} from './harness.js';

jest.setTimeout(30_000);

describe.each(MODES)('readStream (%s)', (mode) => {
  const target = useContractTarget(mode);

  /** A stream of five JSON events (revisions 0–4) and what the append reported. */
  async function fiveEvents(client: KurrentDBClient) {
    const stream = uniqueStream('read');
    const events = makeEvents(5, 'ReadContract');
    const appended = await client.appendToStream(stream, events, { streamState: NO_STREAM });
    return { stream, events, appended };
  }

  const revisions = (read: { event?: { revision: bigint } }[]) =>
    read.map((resolved) => resolved.event?.revision);

  test('forwards from the start returns every event as written', async () => {
    const client = target().client();
    const { stream, events, appended } = await fiveEvents(client);
    const before = Date.now();

    const read = await collect(client.readStream(stream, { direction: FORWARDS }));

    expect(revisions(read)).toEqual([0n, 1n, 2n, 3n, 4n]);
    // §3.7/§3.10: the stored id, type, JSON flag and data bytes come back unchanged.
    expect(read.map((resolved) => resolved.event?.id)).toEqual(events.map((event) => event.id));
    expect(read.map((resolved) => resolved.event?.type)).toEqual(events.map(() => 'ReadContract'));
    expect(read.map((resolved) => resolved.event?.isJson)).toEqual(events.map(() => true));
    expect(read.map((resolved) => resolved.event?.data)).toEqual(events.map((_, index) => ({ index })));
    expect(read.every((resolved) => resolved.event?.streamId === stream)).toBe(true);
    // §3.7/§3.12: every event carries its own position, commit == prepare, increasing with revision; the
    // last one is the position the append reported (§3.3).
    const positions = read.map((resolved) => positionOf(resolved.event ?? {}));
    expect(positions.every((position) => position.commit === position.prepare)).toBe(true);
    for (let index = 1; index < positions.length; index += 1) {
      expect(positions[index]?.commit).toBeGreaterThan(positions[index - 1]?.commit ?? -1n);
    }
    expect(positions[4]).toEqual(appended.position);
    // §3.10: `created` is 100-ns ticks since the Unix epoch, so it converts to about now.
    const created = read[0]?.event?.created.getTime() ?? 0;
    expect(Math.abs(created - before)).toBeLessThan(60_000);
  });

  test('backwards from the end returns the events newest first', async () => {
    const client = target().client();
    const { stream } = await fiveEvents(client);

    const read = await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END }));

    // §3.7: backwards from `end` starts at the last event.
    expect(revisions(read)).toEqual([4n, 3n, 2n, 1n, 0n]);
  });

  test('fromRevision is inclusive in both directions', async () => {
    const client = target().client();
    const { stream } = await fiveEvents(client);

    // §3.7: forwards from R returns R, R+1, …; backwards from R returns R, R-1, … down to 0.
    expect(revisions(await collect(client.readStream(stream, { fromRevision: 2n })))).toEqual([2n, 3n, 4n]);
    expect(
      revisions(await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: 2n }))),
    ).toEqual([2n, 1n, 0n]);
    // §3.7: past the end of the stream there is nothing to return (the stream exists, so no stream_not_found).
    expect(await collect(client.readStream(stream, { fromRevision: 10n }))).toEqual([]);
  });

  test('maxCount limits the number of events in either direction', async () => {
    const client = target().client();
    const { stream } = await fiveEvents(client);

    // §3.7: events are returned until `count` events have been returned.
    expect(revisions(await collect(client.readStream(stream, { maxCount: 2 })))).toEqual([0n, 1n]);
    expect(
      revisions(
        await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 2 })),
      ),
    ).toEqual([4n, 3n]);
    expect(revisions(await collect(client.readStream(stream, { fromRevision: 3n, maxCount: 1 })))).toEqual([
      3n,
    ]);
  });

  test('binary events and custom metadata round-trip', async () => {
    const client = target().client();
    const stream = uniqueStream('read-binary');
    const data = Uint8Array.from([0, 1, 2, 250, 255]);
    const events: EventData[] = [
      binaryEvent({ type: 'Binary', data, metadata: { $correlationId: 'c-1', note: 'kept' } }),
      jsonEvent({ type: 'Json', data: { nested: { value: [1, 2] } }, metadata: { who: 'contract' } }),
    ];
    await client.appendToStream(stream, events);

    const [binary, json] = await collect(client.readStream(stream));
    // §3.10: a content type other than application/json is stored as non-JSON; data bytes are unchanged.
    expect(binary?.event?.isJson).toBe(false);
    expect(new Uint8Array(binary?.event?.data as Uint8Array)).toEqual(data);
    // §3.10: custom_metadata is stored unchanged (the client parses it as JSON).
    expect(binary?.event?.metadata).toEqual({ $correlationId: 'c-1', note: 'kept' });
    expect(json?.event?.isJson).toBe(true);
    expect(json?.event?.data).toEqual({ nested: { value: [1, 2] } });
    expect(json?.event?.metadata).toEqual({ who: 'contract' });
  });

  test('a stream that never existed is not found', async () => {
    const client = target().client();
    const stream = uniqueStream('read-missing');

    const forwards = await rejectionOf(collect(client.readStream(stream)));
    // §3.7: one in-band stream_not_found, then OK → the client's StreamNotFoundError.
    expect(forwards).toBeInstanceOf(StreamNotFoundError);
    expect((forwards as StreamNotFoundError).streamName).toBe(stream);

    const backwards = await rejectionOf(
      collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END })),
    );
    expect(backwards).toBeInstanceOf(StreamNotFoundError);
  });

  test('a soft-deleted stream reads as not found', async () => {
    const client = target().client();
    const { stream } = await fiveEvents(client);
    await client.deleteStream(stream);

    const error = await rejectionOf(collect(client.readStream(stream)));
    // §3.7/§3.13: after a soft delete, reads return stream_not_found exactly as for a stream that never existed.
    expect(error).toBeInstanceOf(StreamNotFoundError);
  });

  test('a tombstoned stream reads as deleted', async () => {
    const client = target().client();
    const { stream } = await fiveEvents(client);
    await client.tombstoneStream(stream);

    const error = await rejectionOf(collect(client.readStream(stream)));
    // §3.7/§3.13: a tombstoned stream fails with FAILED_PRECONDITION stream-deleted.
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect((error as StreamDeletedError).streamName).toBe(stream);
  });
});
