// Store write rules that peer clients' suites found (issue 13): the record an empty append writes, the order
// of un-delete records, and metadata written to a tombstoned stream's metastream (docs/protocol.md §3.3,
// §3.13, §3.13.2).
import { prepareRecordSize } from '../../src/emulator/log/record-size.js';
import { EventStore } from '../../src/emulator/store/event-store.js';
import type { ExpectedRevision } from '../../src/emulator/store/expected-revision.js';
import type { ProposedEvent } from '../../src/emulator/store/stored-event.js';
import { emptyAppendRecordSize } from './record-sizes.js';

const sizeOf = (streamName: string, event: ProposedEvent): number =>
  prepareRecordSize({
    streamName,
    eventType: event.eventType,
    dataLength: event.data.length,
    metadataLength: event.metadata.length,
  });

const newStore = (): EventStore => new EventStore({ recordSize: sizeOf });

function event(type = 'Happened', json = '{}'): ProposedEvent {
  return {
    eventId: crypto.randomUUID(),
    eventType: type,
    isJson: true,
    data: new TextEncoder().encode(json),
    metadata: new Uint8Array(0),
  };
}

const any: ExpectedRevision = { kind: 'any' };
const noStream: ExpectedRevision = { kind: 'no-stream' };
const revision = (value: number): ExpectedRevision => ({ kind: 'revision', revision: BigInt(value) });

const text = (data: Uint8Array | undefined): string => Buffer.from(data ?? []).toString('utf8');

describe('an append of no events (§3.3)', () => {
  test('writes one event-less record and answers with its position', () => {
    const store = newStore();
    store.append('before', any, [event()]);
    const head = store.headPosition;
    const written = store.append('orders-1', noStream, []);
    expect(written).toEqual({ kind: 'success', lastEventNumber: -1n, position: head });
    expect(store.headPosition - head).toBe(BigInt(emptyAppendRecordSize('orders-1')));
    // It is no event: the log of events and the stream are unchanged.
    expect(store.log.map((record) => record.streamName)).toEqual(['before']);
    expect(store.lastEventNumberOf('orders-1')).toBe(-1);
  });

  test("esdbclient 0.8's fact: with a uuid stream name the next event lands 126 bytes later", () => {
    const store = newStore();
    const stream = crypto.randomUUID();
    const empty = store.append(stream, noStream, []);
    const next = store.append(stream, noStream, [event()]);
    if (empty.kind !== 'success' || next.kind !== 'success') throw new Error('a write failed');
    // 88 fixed + (36-byte name: 36 + 1) + (empty type: 0 + 1) = 126
    expect(emptyAppendRecordSize(stream)).toBe(126);
    expect((next.position ?? 0n) - (empty.position ?? 0n)).toBe(126n);
  });

  test('an empty check at the current revision writes; a stale one fails and writes nothing', () => {
    const store = newStore();
    store.append('a', any, [event(), event()]);
    const head = store.headPosition;
    expect(store.append('a', revision(0), [])).toEqual({
      kind: 'wrong-expected-version',
      currentEventNumber: 1n,
    });
    expect(store.headPosition).toBe(head);
    expect(store.append('a', revision(1), [])).toEqual({
      kind: 'success',
      lastEventNumber: 1n,
      position: head,
    });
  });

  test.each<[string, ExpectedRevision]>([
    ['any', any],
    ['no_stream', { kind: 'no-stream' }],
    ['stream_exists', { kind: 'stream-exists' }],
    ['the revision before the tombstone', revision(0)],
    ['the tombstone revision', { kind: 'revision', revision: 9223372036854775807n }],
  ])(
    'an empty check on a tombstoned stream with %s is stream-deleted and writes nothing (§3.2.1)',
    (_, expected) => {
      const store = newStore();
      store.append('a', any, [event()]);
      store.tombstone('a', any);
      const head = store.headPosition;
      expect(store.append('a', expected, [])).toEqual({ kind: 'stream-deleted' });
      expect(store.headPosition).toBe(head);
    },
  );

  test('an empty write to a soft-deleted stream un-deletes it after its own record', () => {
    const store = newStore();
    store.append('a', any, [event(), event()]);
    store.softDelete('a', any);
    const head = store.headPosition;
    const written = store.append('a', any, []);
    expect(written).toEqual({ kind: 'success', lastEventNumber: 1n, position: head });
    const undelete = store.log.at(-1);
    expect(undelete?.position).toBe(head + BigInt(emptyAppendRecordSize('a')));
    expect(JSON.parse(text(undelete?.data))).toEqual({ $tb: 2 });
  });
});

describe('un-deleting a soft-deleted stream (§3.13)', () => {
  test('the new events come first, then the metadata record; the response is the last event', () => {
    const store = newStore();
    store.append('a', any, [event()]);
    store.softDelete('a', any);
    const written = store.append('a', any, [event('One'), event('Two')]);
    const [one, two, metadata] = store.log.slice(-3);
    expect([one?.eventType, two?.eventType, metadata?.streamName]).toEqual(['One', 'Two', '$$a']);
    expect(written).toMatchObject({ lastEventNumber: 2n, position: two?.position });
    expect(JSON.parse(text(metadata?.data))).toEqual({ $tb: 1 });
  });

  test('new JSON metadata is stored as sent, then copied with $tb at the next event number', () => {
    const store = newStore();
    store.append('a', any, [event(), event()]);
    store.softDelete('a', any);
    const sent = '{"$tb":9223372036854775807,"foo":"bar"}';
    store.append('$$a', revision(0), [event('$metadata', sent)]);
    const [mine, copy] = store.log.slice(-2);
    expect(text(mine?.data)).toBe(sent);
    expect([mine?.eventNumber, copy?.eventNumber]).toEqual([1n, 2n]);
    expect(JSON.parse(text(copy?.data))).toEqual({ $tb: 2, foo: 'bar' });
    expect(store.metadataOf('a').truncateBefore).toBe(2n);
  });

  test('metadata that is not a JSON object gets no copy', () => {
    const store = newStore();
    store.append('a', any, [event(), event()]);
    store.softDelete('a', any);
    const length = store.log.length;
    store.append('$$a', any, [{ ...event('$metadata'), data: new Uint8Array(256) }]);
    expect(store.log.length).toBe(length + 1);
  });
});

describe('metadata of a tombstoned stream (§3.13.2)', () => {
  test('after metadata was written this term, two more writes succeed; reading it back is deleted', () => {
    const store = newStore();
    store.append('a', any, [event()]);
    store.append('$$a', noStream, [event('$metadata', '{"foo":"bar"}')]);
    store.append('$$a', revision(0), [event('$metadata', '{"foo":"baz"}')]);
    store.tombstone('a', any);
    expect(store.append('$$a', revision(1), [event('$metadata')])).toMatchObject({
      kind: 'success',
      lastEventNumber: 2n,
    });
    expect(store.append('$$a', any, [event('$metadata')])).toMatchObject({
      kind: 'success',
      lastEventNumber: 3n,
    });
    expect(store.append('$$a', revision(1), [event('$metadata')])).toMatchObject({
      kind: 'wrong-expected-version',
      currentEventNumber: 3n,
    });
    expect(store.readStream('$$a')).toEqual({ kind: 'deleted' });
  });

  test('a metastream never written, or written before the leader changed, is deleted', () => {
    const store = newStore();
    store.append('a', any, [event()]);
    store.tombstone('a', any);
    expect(store.append('$$a', any, [event('$metadata')])).toEqual({ kind: 'stream-deleted' });
    store.append('b', any, [event()]);
    store.append('$$b', any, [event('$metadata')]);
    store.tombstone('b', any);
    store.startLeaderTerm();
    expect(store.append('$$b', any, [event('$metadata')])).toEqual({ kind: 'stream-deleted' });
  });
});
