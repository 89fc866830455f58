/**
 * Contract: soft delete (`deleteStream`) and hard delete (`tombstoneStream`) with the official client, and
 * their effect on later reads and appends (§3.2, §3.4, §3.13).
 */
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendToStreamOptions,
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

describe.each(MODES)('delete and tombstone (%s)', (mode) => {
  const target = useContractTarget(mode);

  /** A new stream with `count` events (last revision count-1). */
  async function streamWith(count: number, prefix: string): Promise<string> {
    const stream = uniqueStream(prefix);
    await target().client().appendToStream(stream, makeEvents(count), { streamState: NO_STREAM });
    return stream;
  }

  describe('soft delete', () => {
    test('hides the stream from reads; the next append continues the numbering and un-deletes it', async () => {
      const client = target().client();
      const stream = uniqueStream('soft-delete');
      const appendedBefore = await client.appendToStream(stream, makeEvents(3), { streamState: NO_STREAM });

      const deleted = await client.deleteStream(stream);
      // §3.4: the response carries the position of the `$metadata` record just written, commit == prepare.
      expect(positionOf(deleted).commit).toBe(positionOf(deleted).prepare);
      expect(positionOf(deleted).commit).toBeGreaterThan(positionOf(appendedBefore).commit);
      // §3.13: reads of a soft-deleted stream return stream_not_found.
      expect(await rejectionOf(collect(client.readStream(stream)))).toBeInstanceOf(StreamNotFoundError);

      const revived = makeEvents(1);
      const appended = await client.appendToStream(stream, revived, { streamState: ANY });
      // §3.13: the last event number is kept, so the new event is L+1 = 3.
      expect(appended.nextExpectedRevision).toBe(3n);
      const read = await collect(client.readStream(stream));
      // §3.13: the old events stay hidden; only the new one is visible.
      expect(read.map((resolved) => resolved.event?.revision)).toEqual([3n]);
      expect(read[0]?.event?.id).toBe(revived[0]?.id);
      // §3.13: un-deleting rewrites the metadata with $tb = the first new event number.
      const { metadata } = await client.getStreamMetadata(stream);
      expect(metadata?.truncateBefore).toBe(3);
    });

    test('no_stream may recreate a soft-deleted stream; stream_exists is refused as deleted', async () => {
      const client = target().client();
      const stream = await streamWith(2, 'soft-delete-states');
      await client.deleteStream(stream);

      const refused = await rejectionOf(
        client.appendToStream(stream, makeEvents(1), { streamState: STREAM_EXISTS }),
      );
      // §3.2/§3.13: stream_exists on a soft-deleted stream → stream-deleted.
      expect(refused).toBeInstanceOf(StreamDeletedError);

      const recreated = await client.appendToStream(stream, makeEvents(1), { streamState: NO_STREAM });
      // §3.2: no_stream on a soft-deleted stream is OK, un-deletes it and continues at L+1.
      expect(recreated.nextExpectedRevision).toBe(2n);
    });

    test('a stream that never existed cannot be deleted, even with any', async () => {
      const client = target().client();
      const stream = uniqueStream('soft-delete-missing');

      const error = await rejectionOf(client.deleteStream(stream, { expectedRevision: ANY }));
      // §3.4/§3.19 example 4: FAILED_PRECONDITION wrong-expected-version with expected-version -2 (any) and
      // actual-version -1 in the trailers.
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      const wrong = error as WrongExpectedVersionError;
      expect(wrong.streamName).toBe(stream);
      expect(wrong.expectedState).toBe(-2n);
      expect(wrong.actualState).toBe(-1n);
    });

    test('the expected revision is checked against the stream', async () => {
      const client = target().client();
      const stream = await streamWith(2, 'soft-delete-revision');

      const wrongRevision = await rejectionOf(client.deleteStream(stream, { expectedRevision: 5n }));
      // §3.4/§3.1.1: expected-version 5, actual-version = the last event number.
      expect(wrongRevision).toBeInstanceOf(WrongExpectedVersionError);
      expect((wrongRevision as WrongExpectedVersionError).expectedState).toBe(5n);
      expect((wrongRevision as WrongExpectedVersionError).actualState).toBe(1n);

      const wrongState = await rejectionOf(client.deleteStream(stream, { expectedRevision: NO_STREAM }));
      // §3.2: no_stream on an existing stream fails; no_stream travels as -1 (§3.1.1).
      expect(wrongState).toBeInstanceOf(WrongExpectedVersionError);
      expect((wrongState as WrongExpectedVersionError).expectedState).toBe(-1n);
      expect((wrongState as WrongExpectedVersionError).actualState).toBe(1n);

      // §3.2: the right revision succeeds.
      await client.deleteStream(stream, { expectedRevision: 1n });
      expect(await rejectionOf(collect(client.readStream(stream)))).toBeInstanceOf(StreamNotFoundError);
    });
  });

  describe('tombstone', () => {
    const appendPaths: [string, () => AppendToStreamOptions][] = [
      ['BatchAppend', () => ({})],
      ['Append', () => ({ credentials: target().admin })],
    ];

    test('makes the stream permanently deleted for reads, deletes and tombstones', async () => {
      const client = target().client();
      const stream = await streamWith(2, 'tombstone');

      const tombstoned = await client.tombstoneStream(stream);
      // §3.4: the response carries the position of the tombstone record, commit == prepare.
      expect(positionOf(tombstoned).commit).toBe(positionOf(tombstoned).prepare);

      // §3.13: reads, deletes and tombstones of a tombstoned stream fail with stream-deleted.
      const read = await rejectionOf(collect(client.readStream(stream)));
      expect(read).toBeInstanceOf(StreamDeletedError);
      const deleteAgain = await rejectionOf(client.deleteStream(stream));
      expect(deleteAgain).toBeInstanceOf(StreamDeletedError);
      expect((deleteAgain as StreamDeletedError).streamName).toBe(stream);
      expect(await rejectionOf(client.tombstoneStream(stream))).toBeInstanceOf(StreamDeletedError);
      // §3.13: reads of the metastream `$$<stream>` fail too, which the client's getStreamMetadata passes on.
      expect(await rejectionOf(client.getStreamMetadata(stream))).toBeInstanceOf(StreamDeletedError);
    });

    test('still takes metadata it had just been given, though reading it back fails', async () => {
      const client = target().client();
      const stream = await streamWith(1, 'tombstone-metadata');
      await client.setStreamMetadata(stream, { custom: 'before' });
      await client.tombstoneStream(stream);

      // §3.13.2 (as esdbclient 1.1.2's suite does): the writer still knows `$$<stream>`, which it wrote since
      // it became leader, so new metadata goes in, numbered on from the metastream's own last event.
      const first = await client.setStreamMetadata(stream, { custom: 'after-1' });
      const second = await client.setStreamMetadata(stream, { custom: 'after-2' });
      expect([first.success, first.nextExpectedRevision]).toEqual([true, 1n]);
      expect([second.success, second.nextExpectedRevision]).toEqual([true, 2n]);
      // §3.13: reads of `$$<stream>` fail all the same.
      expect(await rejectionOf(client.getStreamMetadata(stream))).toBeInstanceOf(StreamDeletedError);
    });

    test.each(appendPaths)('refuses appends with any expected state (through %s)', async (_path, options) => {
      const client = target().client();
      const stream = await streamWith(1, 'tombstone-append');
      await client.tombstoneStream(stream);

      // §3.2/§3.13: any append carrying events fails with stream-deleted, whatever the expected revision
      // (§3.3 error for Append, §3.5 StreamDeleted detail for BatchAppend).
      for (const streamState of [ANY, NO_STREAM, STREAM_EXISTS, 0n] as const) {
        const error = await rejectionOf(
          client.appendToStream(stream, makeEvents(1), { ...options(), streamState }),
        );
        expect(error).toBeInstanceOf(StreamDeletedError);
        expect((error as StreamDeletedError).streamName).toBe(stream);
      }
    });

    test.each(appendPaths)('refuses even an append of no events (through %s)', async (_path, options) => {
      const client = target().client();
      const stream = await streamWith(1, 'tombstone-empty-append');
      await client.tombstoneStream(stream);

      // §3.2.1: the tombstone is checked before the events or the expectation, so an empty write fails too.
      for (const streamState of [ANY, NO_STREAM, STREAM_EXISTS, 0n] as const) {
        const error = await rejectionOf(client.appendToStream(stream, [], { ...options(), streamState }));
        expect(error).toBeInstanceOf(StreamDeletedError);
        expect((error as StreamDeletedError).streamName).toBe(stream);
      }
    });

    test('works on a stream that never existed', async () => {
      const client = target().client();
      const stream = uniqueStream('tombstone-missing');

      // §3.4: tombstoning a stream that never existed is allowed with any or no_stream.
      await client.tombstoneStream(stream, { expectedRevision: NO_STREAM });
      expect(await rejectionOf(collect(client.readStream(stream)))).toBeInstanceOf(StreamDeletedError);
    });

    test('checks the expected revision', async () => {
      const client = target().client();
      const stream = await streamWith(2, 'tombstone-revision');

      const error = await rejectionOf(client.tombstoneStream(stream, { expectedRevision: 3n }));
      // §3.4/§3.1.1: FAILED_PRECONDITION wrong-expected-version, expected 3, actual = last event number.
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect((error as WrongExpectedVersionError).expectedState).toBe(3n);
      expect((error as WrongExpectedVersionError).actualState).toBe(1n);
      // Nothing was deleted.
      expect(await collect(client.readStream(stream))).toHaveLength(2);
    });
  });
});
