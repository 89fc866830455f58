/**
 * Contract: `readAll` of the official client (through its native Rust bridge, §5 item 11). Every read starts
 * from a position obtained from this test's own writes, so the assertions hold on a database that already
 * holds other events, and other writers can only add events after ours.
 */
import { randomUUID } from 'node:crypto';

import {
  BACKWARDS,
  END,
  excludeSystemEvents,
  eventTypeFilter,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Filter,
  type KurrentDBClient,
  type Position,
} from '@kurrent/kurrentdb-client';

import { MODES, collect, makeEvents, positionOf, uniqueStream, useContractTarget } from './harness.js';

jest.setTimeout(30_000);

/** The largest signed 64-bit number, `long.MaxValue` (§3.2, §3.13). */
const LONG_MAX = 9223372036854775807n;

describe.each(MODES)('readAll (%s)', (mode) => {
  const target = useContractTarget(mode);

  /** Writes one event to a stream of its own; everything written later lies after the returned position. */
  async function marker(client: KurrentDBClient): Promise<Position> {
    return positionOf(await client.appendToStream(uniqueStream('all-marker'), makeEvents(1)));
  }

  const ids = (read: AllStreamResolvedEvent[]) => read.map((resolved) => resolved.event?.id);

  test('forwards from a position includes the event at it; backwards from it excludes it', async () => {
    const client = target().client();
    const stream = uniqueStream('all-bounds');
    const events = makeEvents(3);
    const appended = positionOf(await client.appendToStream(stream, events));
    const [e0, e1, e2] = events.map((event) => event.id);

    const forwards = await collect(client.readAll({ fromPosition: appended, maxCount: 1 }));
    // §3.7: forwards from P returns records whose position ≥ P, so the event written at P comes first.
    expect(ids(forwards)).toEqual([e2]);
    expect(forwards[0]?.event?.position).toEqual(appended);
    expect(forwards[0]?.event?.streamId).toBe(stream);

    const backwards = await collect(
      client.readAll({ direction: BACKWARDS, fromPosition: appended, maxCount: 2 }),
    );
    // §3.7: backwards from P only returns records that end at or before P, so the event at P is left out.
    expect(ids(backwards)).toEqual([e1, e0]);

    const first = backwards[1]?.event?.position;
    if (first === undefined) throw new Error('no position for the first event');
    const fromFirst = await collect(client.readAll({ fromPosition: first, maxCount: 3 }));
    // §3.12: positions read from $all are valid start points; one append's events are consecutive in the log.
    expect(ids(fromFirst)).toEqual([e0, e1, e2]);
  });

  test('backwards from the end starts at the newest event; every event carries its position', async () => {
    const client = target().client();
    const written = positionOf(await client.appendToStream(uniqueStream('all-end'), makeEvents(2)));

    const [newest] = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    // §3.7: backwards from `end` returns the last event first: nothing older than what was just written.
    const position = newest?.event?.position;
    expect(position?.commit).toBeGreaterThanOrEqual(written.commit);
    // §3.12: commit == prepare for events written through gRPC.
    expect(position?.prepare).toBe(position?.commit);
    expect(newest?.commitPosition).toBe(position?.commit);
  });

  describe('server-side filters', () => {
    const tag = randomUUID();
    const prefix = `all-filter-${tag}`;
    const streamA = `${prefix}-a`;
    const streamB = `${prefix}-b`;
    const typeTag = `T${tag.replace(/-/g, '')}`;
    let start: Position;
    let expected: { a: string[]; b: string[] };

    beforeAll(async () => {
      const client = target().client();
      start = await marker(client);
      const a = makeEvents(2, `${typeTag}-Created`);
      const b = makeEvents(1, `${typeTag}-Updated`);
      await client.appendToStream(streamA, a);
      await client.appendToStream(uniqueStream('all-unrelated'), makeEvents(2, `Other${typeTag}`));
      await client.appendToStream(streamB, b);
      expected = { a: a.map((event) => event.id), b: b.map((event) => event.id) };
    });

    const readFiltered = (filter: Filter) =>
      collect(target().client().readAll({ fromPosition: start, filter }));

    test('a stream-name prefix matches streams that start with it', async () => {
      // §3.9: the record matches if its stream name starts with any of the prefixes.
      expect(ids(await readFiltered(streamNameFilter({ prefixes: [`${prefix}-`] })))).toEqual([
        ...expected.a,
        ...expected.b,
      ]);
      // §3.9: a prefix is not a substring match: the tag sits in the middle of the names.
      expect(await readFiltered(streamNameFilter({ prefixes: [tag] }))).toEqual([]);
    });

    test('a stream-name regex is an unanchored .NET regex', async () => {
      // §3.9: regex on the stream name.
      expect(ids(await readFiltered(streamNameFilter({ regex: `^${streamA}$` })))).toEqual(expected.a);
      // §3.9: unanchored, so a match anywhere in the name counts.
      expect(ids(await readFiltered(streamNameFilter({ regex: tag })))).toEqual([
        ...expected.a,
        ...expected.b,
      ]);
    });

    test('event-type filters match the stored type by prefix or regex', async () => {
      // §3.9: event_type matches the record's event type.
      expect(ids(await readFiltered(eventTypeFilter({ prefixes: [`${typeTag}-U`] })))).toEqual(expected.b);
      expect(ids(await readFiltered(eventTypeFilter({ regex: `^${typeTag}-(Created|Updated)$` })))).toEqual([
        ...expected.a,
        ...expected.b,
      ]);
      // §3.9: the unrelated stream's type `Other<tag>` contains the tag but does not start with it.
      const bothTypes = await readFiltered(eventTypeFilter({ prefixes: [`${typeTag}-C`, `${typeTag}-U`] }));
      expect(ids(bothTypes)).toEqual([...expected.a, ...expected.b]);
    });
  });

  test('$all holds the system events of metadata writes, soft deletes and tombstones', async () => {
    const client = target().client();
    const stream = uniqueStream('all-system');
    const start = await marker(client);
    const user = makeEvents(1);
    await client.appendToStream(stream, user);

    const metadata = positionOf(await client.setStreamMetadata(stream, { maxCount: 7 }));
    const [metadataEvent] = await collect(client.readAll({ fromPosition: metadata, maxCount: 1 }));
    // §3.13: metadata is a `$metadata` JSON event in the metastream `$$<stream>`, visible in $all (§5 item 12).
    expect(metadataEvent?.event?.streamId).toBe(`$$${stream}`);
    expect(metadataEvent?.event?.type).toBe('$metadata');
    expect(metadataEvent?.event?.isJson).toBe(true);
    expect(metadataEvent?.event?.data).toMatchObject({ $maxCount: 7 });

    const deleted = positionOf(await client.deleteStream(stream));
    const [deleteEvent] = await collect(client.readAll({ fromPosition: deleted, maxCount: 1 }));
    // §3.4/§3.13: a soft delete writes exactly `{"$tb": long.MaxValue}` to `$$<stream>` (server:
    // StorageWriterService.cs writes a fresh StreamMetadata holding only truncate-before).
    expect(deleteEvent?.event?.streamId).toBe(`$$${stream}`);
    expect(deleteEvent?.event?.type).toBe('$metadata');
    // JSON numbers are doubles: long.MaxValue parses as 2^63.
    expect(deleteEvent?.event?.data).toEqual({ $tb: 2 ** 63 });

    const tombstoned = positionOf(await client.tombstoneStream(stream));
    const [tombstone] = await collect(client.readAll({ fromPosition: tombstoned, maxCount: 1 }));
    // §3.13: in $all the tombstone is a `$streamDeleted` event of the stream with revision long.MaxValue.
    expect(tombstone?.event?.streamId).toBe(stream);
    expect(tombstone?.event?.type).toBe('$streamDeleted');
    expect(tombstone?.event?.revision).toBe(LONG_MAX);

    const withoutSystem = await collect(
      client.readAll({ fromPosition: start, filter: excludeSystemEvents() }),
    );
    // §3.9: the client's excludeSystemEvents regex `^[^$].*` on the type leaves out `$metadata` and
    // `$streamDeleted`, and keeps user events.
    expect(withoutSystem.some((resolved) => resolved.event?.type.startsWith('$'))).toBe(false);
    expect(ids(withoutSystem)).toContain(user[0]?.id);
  });
});
