// The standard projections (issue #13): what a node started with `runProjections` and
// `startStandardProjections` writes, record by record, compared with the 24.10 sources
// (EventStore.Projections.Core/Standard/*.cs, Services/Processing/Emitting/*, Services/Management/ProjectionManager.cs).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EsdbClient, NewEvent } from '../../src/client/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { categoryExtractor } from '../../src/emulator/projections/category-extractor.js';
import {
  startProjectionSubsystem,
  type ProjectionOptions,
} from '../../src/emulator/projections/projection-subsystem.js';
import { createStore } from '../../src/emulator/server/create-store.js';
import type { EventStore } from '../../src/emulator/store/event-store.js';
import type { StoredEvent } from '../../src/emulator/store/stored-event.js';

jest.setTimeout(30_000);

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const STARTED: ProjectionOptions = { runProjections: 'system', startStandardProjections: true };

function openStore(options: ProjectionOptions) {
  const opened = createStore({ secure: false, instanceId: randomUUID() });
  const subsystem = startProjectionSubsystem(opened.store, options);
  return { store: opened.store, stop: () => subsystem?.stop() };
}

function write(store: EventStore, stream: string, type: string, metadata = '', isJson = true): StoredEvent {
  const before = store.log.length;
  const event = {
    eventId: randomUUID(),
    eventType: type,
    isJson,
    data: utf8('{}'),
    metadata: utf8(metadata),
  };
  store.append(stream, { kind: 'any' }, [event]);
  const record = store.log[before];
  if (record === undefined) throw new Error('nothing written');
  return record;
}

const recordsOf = (store: EventStore, stream: string) => store.log.filter((r) => r.streamName === stream);

/** Waits until the projections have caught up with the log (nothing new for a few turns). */
async function settled(store: EventStore): Promise<void> {
  let length = -1;
  for (let quiet = 0; quiet < 5;) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    quiet = store.log.length === length ? quiet + 1 : 0;
    length = store.log.length;
  }
}

describe('options', () => {
  test("'none' (the default) writes nothing: the log is the same as without the option", () => {
    const plain = createStore({ secure: false, instanceId: randomUUID() }).store;
    const none = openStore({ runProjections: 'none', startStandardProjections: true });
    expect(none.store.log.map((r) => r.streamName)).toEqual(plain.log.map((r) => r.streamName));
    expect(none.store.headPosition).toBe(plain.headPosition);
  });

  test("'system' registers the five standard projections in $projections-$all, stopped", async () => {
    const { store, stop } = openStore({ runProjections: 'system' });
    const registered = recordsOf(store, '$projections-$all');
    expect(registered.map((r) => [r.eventType, text(r.data), r.isJson, r.metadata.length])).toEqual([
      ['$ProjectionsInitialized', '', false, 0],
      ['$ProjectionCreated', '$streams', false, 0],
      ['$ProjectionCreated', '$stream_by_category', false, 0],
      ['$ProjectionCreated', '$by_category', false, 0],
      ['$ProjectionCreated', '$by_event_type', false, 0],
      ['$ProjectionCreated', '$by_correlation_id', false, 0],
    ]);
    write(store, 'order-1', 'OrderPlaced');
    await settled(store);
    expect(recordsOf(store, '$ce-order')).toEqual([]);
    stop();
  });

  test('bad values are refused, naming the option', async () => {
    await expect(startEmulator({ runProjections: 'some' as never })).rejects.toThrow(
      "startEmulator: runProjections must be 'none', 'system' or 'all'",
    );
    await expect(startEmulator({ startStandardProjections: 'yes' as never })).rejects.toThrow(TypeError);
  });
});

describe('outputs', () => {
  let node: ReturnType<typeof openStore>;
  beforeEach(() => (node = openStore(STARTED)));
  afterEach(() => node.stop());

  test('$ce-<category>: a link with the checkpoint tag, $o and $causedBy, after the stream metadata', async () => {
    const { store } = node;
    const placed = write(store, 'order-1', 'OrderPlaced', '{"$correlationId":"c-1"}');
    await settled(store);
    expect(recordsOf(store, '$$$ce-order').map((r) => [r.eventType, text(r.data), r.isJson])).toEqual([
      ['$metadata', '{"$acl":{"$r":"$all","$mr":"$all"}}', true],
    ]);
    const [link] = recordsOf(store, '$ce-order');
    expect(link?.eventType).toBe('$>');
    expect(link?.isJson).toBe(false);
    expect(text(link?.data ?? new Uint8Array())).toBe('0@order-1');
    expect(text(link?.metadata ?? new Uint8Array())).toBe(
      `{"$v":"3:-1:1:4","$c":${placed.position},"$p":${placed.position},"$o":"order-1",` +
        `"$causedBy":"${placed.eventId}","$correlationId":"c-1"}`,
    );
  });

  test('$et-<type>, $streams and $category-<category> (first event of a stream only)', async () => {
    const { store } = node;
    const first = write(store, 'order-1', 'OrderPlaced');
    write(store, 'order-1', 'OrderShipped');
    await settled(store);
    expect(recordsOf(store, '$et-OrderPlaced').map((r) => text(r.data))).toEqual(['0@order-1']);
    expect(recordsOf(store, '$et-OrderShipped').map((r) => text(r.data))).toEqual(['1@order-1']);
    const [typeLink] = recordsOf(store, '$et-OrderPlaced');
    expect(text(typeLink?.metadata ?? new Uint8Array())).toBe(
      `{"$v":"4:-1:1:4","$c":${first.position},"$p":${first.position},"$causedBy":"${first.eventId}"}`,
    );
    expect(recordsOf(store, '$streams').map((r) => [r.eventType, text(r.data)])).toEqual([
      ['$>', '0@order-1'],
    ]);
    expect(recordsOf(store, '$category-order').map((r) => [r.eventType, text(r.data)])).toEqual([
      ['$@', 'order-1'],
    ]);
  });

  test('system streams are skipped, except metastreams of ordinary streams', async () => {
    const { store } = node;
    write(store, '$internal-1', 'Secret');
    write(store, '$$order-2', '$metadata');
    await settled(store);
    expect(recordsOf(store, '$et-Secret')).toEqual([]);
    expect(recordsOf(store, '$et-$metadata').map((r) => text(r.data))).toEqual(['0@order-2']);
    expect(recordsOf(store, '$streams').map((r) => text(r.data))).toEqual(['0@$$order-2']);
    expect(recordsOf(store, '$ce-order')).toEqual([]);
  });

  test('links are followed by $ce- and $streams, not by $et-', async () => {
    const { store } = node;
    const target = write(store, 'order-1', 'OrderPlaced');
    const linkEvent = {
      eventId: randomUUID(),
      eventType: '$>',
      isJson: false,
      data: utf8('0@order-1'),
      metadata: utf8(''),
    };
    store.append('copy-1', { kind: 'any' }, [linkEvent]);
    await settled(store);
    expect(recordsOf(store, '$ce-copy').map((r) => text(r.data))).toEqual(['0@order-1']);
    expect(text(recordsOf(store, '$ce-copy')[0]?.metadata ?? new Uint8Array())).toContain(
      `"$o":"copy-1","$causedBy":"${target.eventId}"`,
    );
    expect(recordsOf(store, '$streams').map((r) => text(r.data))).toEqual(['0@order-1', '0@copy-1']);
    expect(recordsOf(store, '$et-$>')).toEqual([]);
  });

  test('a tombstone is linked in $ce- and $et-$deleted with $deleted: -1', async () => {
    const { store } = node;
    write(store, 'order-9', 'OrderPlaced');
    store.tombstone('order-9', { kind: 'any' });
    await settled(store);
    const deletedLinks = recordsOf(store, '$ce-order').slice(1);
    expect(deletedLinks.map((r) => text(r.data))).toEqual(['9223372036854775807@order-9']);
    expect(text(deletedLinks[0]?.metadata ?? new Uint8Array())).toMatch(/"\$o":"order-9","\$deleted":-1,/);
    expect(recordsOf(store, '$et-$deleted').map((r) => text(r.data))).toEqual([
      '9223372036854775807@order-9',
    ]);
  });

  test('$bc-<correlation id> links events with a $correlationId and their time stamp', async () => {
    const { store } = node;
    write(store, 'order-1', 'OrderPlaced', '{"$correlationId":"abc"}');
    await settled(store);
    const [link] = recordsOf(store, '$bc-abc');
    expect(text(link?.data ?? new Uint8Array())).toBe('0@order-1');
    expect(text(link?.metadata ?? new Uint8Array())).toMatch(
      /"\$eventTimestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z","\$causedBy"/,
    );
  });
});

test('the category rule: first separator by default; `last` and one-character sources split at the last', () => {
  const first = categoryExtractor('first\r\n-');
  expect(first('order-1-2')).toBe('order');
  expect(first('order')).toBeUndefined();
  expect(first('-order')).toBeUndefined();
  expect(first('$order-1')).toBeUndefined();
  expect(categoryExtractor('last\n-')('order-1-2')).toBe('order-1');
  expect(categoryExtractor('_')('a_b_c')).toBe('a_b');
  expect(() => categoryExtractor('first\n--')).toThrow(RangeError);
  expect(() => categoryExtractor('middle\n-')).toThrow(RangeError);
  expect(() => categoryExtractor('')).toThrow(RangeError);
});

describe('through the gRPC API', () => {
  test('$ce-order read with resolveLinks; a deleted target is left unresolved', async () => {
    const emulator = await startEmulator(STARTED);
    const client = new EsdbClient({ uri: emulator.uri });
    try {
      await client.appendEvents({
        streamName: 'order-1',
        expectedPosition: null,
        events: [new NewEvent({ type: 'OrderPlaced', data: utf8('{}') })],
      });
      await client.appendEvents({
        streamName: 'order-2',
        expectedPosition: null,
        events: [new NewEvent({ type: 'OrderPlaced', data: utf8('{}') })],
      });
      const read = async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            const events = await client
              .readStreamEvents({ streamName: '$ce-order', resolveLinks: true })
              .toArray();
            if (events.length >= 2 || attempt > 200) return events;
          } catch (error) {
            if (attempt > 200) throw error;
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const before = await read();
      expect(before.map((e) => [e.streamName, e.type, e.link?.streamName])).toEqual([
        ['order-1', 'OrderPlaced', '$ce-order'],
        ['order-2', 'OrderPlaced', '$ce-order'],
      ]);
      await client.deleteStream({ streamName: 'order-1', expectedPosition: 0n });
      const after = await client.readStreamEvents({ streamName: '$ce-order', resolveLinks: true }).toArray();
      expect(after[0]?.type).toBe('$>');
    } finally {
      await client.close();
      await emulator.stop();
    }
  });
});

test('a durable node restarted does not link anything twice', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stdproj-'));
  const emulator = await startEmulator({ ...STARTED, dataDir });
  const linksIn = async (client: EsdbClient, stream: string, atLeast: number) => {
    for (let attempt = 0; ; attempt++) {
      const events = await client
        .readStreamEvents({ streamName: stream })
        .toArray()
        .catch(() => []);
      if (events.length >= atLeast || attempt > 200) return events.map((e) => text(e.data));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    const first = new EsdbClient({ uri: emulator.uri });
    const placed = [new NewEvent({ type: 'OrderPlaced', data: utf8('{}') })];
    await first.appendEvents({ streamName: 'order-1', expectedPosition: null, events: placed });
    expect(await linksIn(first, '$ce-order', 1)).toEqual(['0@order-1']);
    await first.close();

    await emulator.restart();
    const second = new EsdbClient({ uri: emulator.uri });
    const shipped = [new NewEvent({ type: 'OrderShipped', data: utf8('{}') })];
    await second.appendEvents({ streamName: 'order-1', expectedPosition: 0n, events: shipped });
    expect(await linksIn(second, '$ce-order', 2)).toEqual(['0@order-1', '1@order-1']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await linksIn(second, '$ce-order', 2)).toEqual(['0@order-1', '1@order-1']);
    expect(await linksIn(second, '$$$ce-order', 1)).toHaveLength(1);
    expect(await linksIn(second, '$projections-$all', 6)).toHaveLength(6);
    await second.close();
  } finally {
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
