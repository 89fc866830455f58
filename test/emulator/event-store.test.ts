// The store's write rules, checked against the facts they come from (docs/protocol.md).
import { prepareRecordSize } from '../../src/emulator/log/record-size.js';
import { EventStore } from '../../src/emulator/store/event-store.js';
import type { ExpectedRevision } from '../../src/emulator/store/expected-revision.js';
import type { ProposedEvent } from '../../src/emulator/store/stored-event.js';

const sizeOf = (streamName: string, event: ProposedEvent): number =>
  prepareRecordSize({
    streamName,
    eventType: event.eventType,
    dataLength: event.data.length,
    metadataLength: event.metadata.length,
  });

function newStore(now: () => number = Date.now): EventStore {
  return new EventStore({ recordSize: sizeOf, now });
}

function event(type = 'Happened', id: string = crypto.randomUUID()): ProposedEvent {
  return {
    eventId: id,
    eventType: type,
    isJson: true,
    data: new TextEncoder().encode('{}'),
    metadata: new Uint8Array(0),
  };
}

const any: ExpectedRevision = { kind: 'any' };
const noStream: ExpectedRevision = { kind: 'no-stream' };
const streamExists: ExpectedRevision = { kind: 'stream-exists' };
const revision = (value: number): ExpectedRevision => ({ kind: 'revision', revision: BigInt(value) });

describe('expected revision (§3.2)', () => {
  test('a new stream accepts any and no_stream and numbers from 0', () => {
    const store = newStore();
    expect(store.append('a', any, [event()])).toMatchObject({ kind: 'success', lastEventNumber: 0n });
    expect(store.append('b', noStream, [event(), event()])).toMatchObject({
      kind: 'success',
      lastEventNumber: 1n,
    });
  });

  test('stream_exists on a stream that never existed is a wrong expected version with current -1', () => {
    expect(newStore().append('a', streamExists, [event()])).toEqual({
      kind: 'wrong-expected-version',
      currentEventNumber: -1n,
    });
  });

  test('stream_exists passes on an empty stream whose metastream has an event', () => {
    const store = newStore();
    store.append('$$a', any, [event('$metadata')]);
    expect(store.append('a', streamExists, [event()])).toMatchObject({
      kind: 'success',
      lastEventNumber: 0n,
    });
  });

  test('an exact revision must be the last event number', () => {
    const store = newStore();
    store.append('a', any, [event(), event()]);
    expect(store.append('a', revision(1), [event()])).toMatchObject({ kind: 'success', lastEventNumber: 2n });
    expect(store.append('a', revision(5), [event()])).toEqual({
      kind: 'wrong-expected-version',
      currentEventNumber: 2n,
    });
    expect(store.append('a', noStream, [event()])).toEqual({
      kind: 'wrong-expected-version',
      currentEventNumber: 2n,
    });
  });
});

describe('idempotent writes (§3.6)', () => {
  test('a replay with the same ids returns the original last event and position without writing', () => {
    const store = newStore();
    const batch = [event(), event()];
    const first = store.append('a', noStream, batch);
    const logLength = store.log.length;
    expect(store.append('a', noStream, batch)).toEqual(first);
    expect(store.append('a', any, batch)).toEqual(first);
    expect(store.log.length).toBe(logLength);
  });

  test('a partial match is a consistency failure, not a write', () => {
    const store = newStore();
    const [one, two] = [event(), event()];
    store.append('a', noStream, [one, two]);
    expect(store.append('a', noStream, [one, event()])).toMatchObject({ kind: 'wrong-expected-version' });
    expect(store.append('a', any, [one, event()])).toMatchObject({ kind: 'wrong-expected-version' });
  });
});

describe('positions (§3.12)', () => {
  test('each record starts where the previous one ended, by its prepare-record size', () => {
    const store = newStore();
    const written = store.append('orders-1', any, [event('A'), event('Bee')]);
    const [a, b] = store.log;
    expect(a?.endPosition).toBe((a?.position ?? 0n) + BigInt(sizeOf('orders-1', event('A'))));
    expect(b?.position).toBe(a?.endPosition);
    expect(written).toMatchObject({ kind: 'success', position: b?.position });
  });

  test('a write that does not fit in the rest of a 256 MiB chunk starts the next chunk', () => {
    const chunk = 256 * 1024 * 1024;
    const store = new EventStore({ recordSize: sizeOf, firstPosition: BigInt(chunk - 100) });
    store.append('a', any, [event()]);
    expect(store.log[0]?.position).toBe(BigInt(chunk));
  });
});

describe('soft delete and tombstone (§3.4, §3.13)', () => {
  test('soft delete hides the stream; the next append un-deletes it and continues the numbering', () => {
    const store = newStore();
    store.append('a', any, [event(), event()]);
    expect(store.softDelete('a', any)).toMatchObject({ kind: 'success' });
    expect(store.readStream('a')).toEqual({ kind: 'not-found' });
    expect(store.append('a', noStream, [event()])).toMatchObject({ kind: 'success', lastEventNumber: 2n });
    const view = store.readStream('a');
    expect(view).toMatchObject({ kind: 'found', firstVisible: 2, lastEventNumber: 2 });
    expect(store.metadataOf('a').truncateBefore).toBe(2n);
  });

  test('stream_exists on a soft-deleted stream is stream-deleted', () => {
    const store = newStore();
    store.append('a', any, [event()]);
    store.softDelete('a', any);
    expect(store.append('a', streamExists, [event()])).toEqual({ kind: 'stream-deleted' });
  });

  test('deleting a stream that never existed fails with current -1, even with any', () => {
    expect(newStore().softDelete('never', any)).toEqual({
      kind: 'wrong-expected-version',
      currentEventNumber: -1n,
    });
  });

  test('a tombstone is permanent: reads, appends (even empty ones) and deletes answer stream-deleted', () => {
    const store = newStore();
    store.append('a', any, [event()]);
    expect(store.tombstone('a', any)).toMatchObject({
      kind: 'success',
      lastEventNumber: 9223372036854775807n,
    });
    expect(store.readStream('a')).toEqual({ kind: 'deleted' });
    expect(store.readStream('$$a')).toEqual({ kind: 'deleted' });
    expect(store.append('a', any, [event()])).toEqual({ kind: 'stream-deleted' });
    expect(store.append('a', any, [])).toEqual({ kind: 'stream-deleted' });
    expect(store.softDelete('a', any)).toEqual({ kind: 'stream-deleted' });
    expect(store.tombstone('a', any)).toEqual({ kind: 'stream-deleted' });
    expect(store.log.at(-1)).toMatchObject({ streamName: 'a', eventType: '$streamDeleted' });
  });
});

describe('stream metadata on reads (§3.13)', () => {
  function setMetadata(store: EventStore, stream: string, json: string): void {
    store.append(`$$${stream}`, any, [{ ...event('$metadata'), data: new TextEncoder().encode(json) }]);
  }

  test('$maxCount keeps the newest events visible', () => {
    const store = newStore();
    store.append('a', any, [event(), event(), event(), event()]);
    setMetadata(store, 'a', '{"$maxCount":2}');
    expect(store.readStream('a')).toMatchObject({ kind: 'found', firstVisible: 2, lastEventNumber: 3 });
  });

  test('$tb hides events below it', () => {
    const store = newStore();
    store.append('a', any, [event(), event(), event()]);
    setMetadata(store, 'a', '{"$tb":1}');
    expect(store.readStream('a')).toMatchObject({ firstVisible: 1 });
  });

  test('$maxAge hides events older than it', () => {
    let now = 1_000_000;
    const store = newStore(() => now);
    store.append('a', any, [event()]);
    now += 10_000;
    store.append('a', any, [event()]);
    setMetadata(store, 'a', '{"$maxAge":5}');
    expect(store.readStream('a')).toMatchObject({ firstVisible: 1 });
  });

  test('metadata that is not flagged JSON is ignored', () => {
    const store = newStore();
    store.append('a', any, [event(), event()]);
    store.append('$$a', any, [
      { ...event('$metadata'), isJson: false, data: new TextEncoder().encode('{"$tb":1}') },
    ]);
    expect(store.readStream('a')).toMatchObject({ firstVisible: 0 });
  });

  test.each([
    '{"$tb":1,"$maxCount":"2"}',
    '{"$tb":1,"$maxAge":1.5}',
    '{"$tb":1,"$cacheControl":null}',
    '{"$tb":1,"$maxAge":922337203686}',
    '{"$tb":1,"$tmp":1}',
    '{"$tb":1,"$acl":[]}',
    '{"$tb":1,"$acl":{"$x":"a"}}',
    '{"$tb":1,"$acl":{"$r":[1]}}',
  ])('metadata the server cannot read is ignored whole (§3.13.1): %s', (json) => {
    const store = newStore();
    store.append('a', any, [event(), event()]);
    setMetadata(store, 'a', json);
    expect(store.readStream('a')).toMatchObject({ firstVisible: 0 });
  });

  test('values read but not kept, and other keys, leave the rest of the metadata in force (§3.13.1)', () => {
    const store = newStore();
    store.append('a', any, [event(), event()]);
    setMetadata(store, 'a', '{"$tb":1,"$maxCount":0,"$maxAge":-5,"$tmp":true,"$acl":{},"other":[1]}');
    expect(store.readStream('a')).toMatchObject({ firstVisible: 1 });
  });

  test('a metastream shows only its latest event', () => {
    const store = newStore();
    setMetadata(store, 'a', '{"x":1}');
    setMetadata(store, 'a', '{"x":2}');
    expect(store.readStream('$$a')).toMatchObject({ kind: 'found', firstVisible: 1, lastEventNumber: 1 });
  });
});

test('listeners hear each write once, after it is in the log', () => {
  const store = newStore();
  const heard: number[] = [];
  const stop = store.onCommit((records) => heard.push(records.length, store.log.length));
  store.append('a', any, [event(), event()]);
  stop();
  store.append('a', any, [event()]);
  expect(heard).toEqual([2, 2]);
});
