/**
 * Contract: appending with the official client, through both of its append paths. Since the node advertises
 * `streams/batchappend` in ServerFeatures, the client appends through BatchAppend unless per-call credentials
 * are given, in which case it uses the unary-style Append (§3.5, §3.16).
 */
import { randomUUID } from 'node:crypto';

import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  jsonEvent,
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

describe.each(MODES)('append (%s)', (mode) => {
  const target = useContractTarget(mode);

  const paths: [string, () => AppendToStreamOptions][] = [
    ['BatchAppend', () => ({})],
    ['Append', () => ({ credentials: target().admin })],
  ];

  describe.each(paths)('through %s', (_path, baseOptions) => {
    test('any on a new stream numbers events from 0; position is the last event, commit == prepare', async () => {
      const client = target().client();
      const stream = uniqueStream('append-any');

      const first = await client.appendToStream(stream, makeEvents(3), {
        ...baseOptions(),
        streamState: ANY,
      });
      // §3.2: `any` on a stream that never existed starts at 0; §3.3: current_revision = last event written.
      expect(first.success).toBe(true);
      expect(first.nextExpectedRevision).toBe(2n);
      // §3.3/§3.12: the position is the last event's, with commit == prepare for gRPC writes.
      expect(first.position).toBeDefined();
      expect(first.position?.commit).toBe(first.position?.prepare);

      const second = await client.appendToStream(stream, makeEvents(2), {
        ...baseOptions(),
        streamState: ANY,
      });
      // §3.2: `any` on an existing stream continues at L+1; §3.12: positions grow with write order.
      expect(second.nextExpectedRevision).toBe(4n);
      expect(positionOf(second).commit).toBeGreaterThan(positionOf(first).commit);

      // §3.3: the events of one append are written atomically, in order, with the ids the client chose.
      const read = await collect(client.readStream(stream));
      expect(read.map((resolved) => resolved.event?.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
      expect(read[4]?.event?.position).toEqual(second.position);
    });

    test('no_stream succeeds on a new stream and reports the current revision when the stream exists', async () => {
      const client = target().client();
      const stream = uniqueStream('append-no-stream');

      const created = await client.appendToStream(stream, makeEvents(2), {
        ...baseOptions(),
        streamState: NO_STREAM,
      });
      // §3.2: no_stream on a stream that never existed is OK.
      expect(created.nextExpectedRevision).toBe(1n);

      const error = await rejectionOf(
        client.appendToStream(stream, makeEvents(1), { ...baseOptions(), streamState: NO_STREAM }),
      );
      // §3.3 (Append, in-band) / §3.5 (BatchAppend, WrongExpectedVersion detail): the server reports the
      // stream's last event number as current and echoes `no_stream` as expected.
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      const wrong = error as WrongExpectedVersionError;
      expect(wrong.streamName).toBe(stream);
      expect(wrong.expectedState).toBe(NO_STREAM);
      expect(wrong.actualState).toBe(1n);
    });

    test('stream_exists fails on a missing stream (current = no stream) and succeeds on an existing one', async () => {
      const client = target().client();
      const stream = uniqueStream('append-stream-exists');

      const error = await rejectionOf(
        client.appendToStream(stream, makeEvents(1), { ...baseOptions(), streamState: STREAM_EXISTS }),
      );
      // §3.2: stream_exists on a stream that never existed → WrongExpectedVersion with current "no stream".
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      const wrong = error as WrongExpectedVersionError;
      expect(wrong.expectedState).toBe(STREAM_EXISTS);
      expect(wrong.actualState).toBe(NO_STREAM);

      await client.appendToStream(stream, makeEvents(2), baseOptions());
      const appended = await client.appendToStream(stream, makeEvents(1), {
        ...baseOptions(),
        streamState: STREAM_EXISTS,
      });
      // §3.2: stream_exists on an existing stream is OK; the event continues the numbering.
      expect(appended.nextExpectedRevision).toBe(2n);
    });

    test('an exact revision must equal the last event number', async () => {
      const client = target().client();
      const stream = uniqueStream('append-revision');

      const missing = await rejectionOf(
        client.appendToStream(stream, makeEvents(1), { ...baseOptions(), streamState: 0n }),
      );
      // §3.2: revision R on a stream that never existed → WrongExpectedVersion (current: no stream, expected R).
      expect(missing).toBeInstanceOf(WrongExpectedVersionError);
      expect((missing as WrongExpectedVersionError).expectedState).toBe(0n);
      expect((missing as WrongExpectedVersionError).actualState).toBe(NO_STREAM);

      await client.appendToStream(stream, makeEvents(2), { ...baseOptions(), streamState: NO_STREAM });
      const matching = await client.appendToStream(stream, makeEvents(1), {
        ...baseOptions(),
        streamState: 1n,
      });
      // §3.2: OK if R = L; the new event is L+1.
      expect(matching.nextExpectedRevision).toBe(2n);

      const tooHigh = await rejectionOf(
        client.appendToStream(stream, makeEvents(1), { ...baseOptions(), streamState: 5n }),
      );
      // §3.2: R > L → WrongExpectedVersion with expected R and current L (§3.3 fields 6/8, §3.5 detail).
      expect(tooHigh).toBeInstanceOf(WrongExpectedVersionError);
      expect((tooHigh as WrongExpectedVersionError).expectedState).toBe(5n);
      expect((tooHigh as WrongExpectedVersionError).actualState).toBe(2n);

      const tooLow = await rejectionOf(
        client.appendToStream(stream, makeEvents(1), { ...baseOptions(), streamState: 0n }),
      );
      // §3.2: R < L with events that are not already at R+1… → WrongExpectedVersion.
      expect(tooLow).toBeInstanceOf(WrongExpectedVersionError);
      expect((tooLow as WrongExpectedVersionError).expectedState).toBe(0n);
      expect((tooLow as WrongExpectedVersionError).actualState).toBe(2n);

      // Nothing was written by the failed appends.
      const read = await collect(client.readStream(stream));
      expect(read).toHaveLength(3);
    });

    test('retrying an append with the same event ids succeeds with the original result and writes nothing', async () => {
      const client = target().client();
      const stream = uniqueStream('append-idempotent');
      const events = makeEvents(3);

      const original = await client.appendToStream(stream, events, { ...baseOptions(), streamState: ANY });
      const retried = await client.appendToStream(stream, events, { ...baseOptions(), streamState: ANY });
      // §3.6: ids already stored in the stream (with `any`) → success pointing at the original events.
      expect(retried.success).toBe(true);
      expect(retried.nextExpectedRevision).toBe(original.nextExpectedRevision);
      expect(retried.position).toEqual(original.position);

      const more = makeEvents(2);
      const appended = await client.appendToStream(stream, more, { ...baseOptions(), streamState: 2n });
      const retriedAtRevision = await client.appendToStream(stream, more, {
        ...baseOptions(),
        streamState: 2n,
      });
      // §3.6: with an explicit revision R < current, events matching those at R+1… are an idempotent retry.
      expect(retriedAtRevision.nextExpectedRevision).toBe(4n);
      expect(retriedAtRevision.position).toEqual(appended.position);

      const read = await collect(client.readStream(stream));
      // §3.6: the retries wrote nothing.
      expect(read.map((resolved) => resolved.event?.id)).toEqual(
        [...events, ...more].map((event) => event.id),
      );
    });

    test('a retry whose ids only partly match is a wrong expected version', async () => {
      const client = target().client();
      const stream = uniqueStream('append-corrupted-idempotency');
      const events = makeEvents(2);
      await client.appendToStream(stream, events, { ...baseOptions(), streamState: NO_STREAM });

      const [first] = events;
      if (first === undefined) throw new Error('no events');
      const mixed = [first, jsonEvent({ type: 'ContractEvent', data: { index: 99 } })];
      const error = await rejectionOf(
        client.appendToStream(stream, mixed, { ...baseOptions(), streamState: NO_STREAM }),
      );
      // §3.6: only some ids match → CorruptedIdempotency → a wrong-expected-version for the client.
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect((error as WrongExpectedVersionError).expectedState).toBe(NO_STREAM);
      expect(await collect(client.readStream(stream))).toHaveLength(2);
    });

    test('an empty append writes an event-less record: its position, then the next event past it', async () => {
      const client = target().client();
      // A uuid name, as esdbclient 0.8's suite uses: 36 bytes, so the record takes 88 + 37 + 1 = 126 bytes.
      const stream = randomUUID();
      const empty = await client.appendToStream(stream, [], { ...baseOptions(), streamState: NO_STREAM });
      const next = await client.appendToStream(stream, makeEvents(1), {
        ...baseOptions(),
        streamState: NO_STREAM,
      });
      // §3.3: the empty write answers with the position of the record it wrote; it is no event.
      expect(next.nextExpectedRevision).toBe(0n);
      expect(positionOf(next).commit - positionOf(empty).commit).toBe(126n);
      expect(await collect(client.readStream(stream))).toHaveLength(1);
    });
  });
});
