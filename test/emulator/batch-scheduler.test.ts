// The projections' batch scheduler (src/emulator/projections/batch-scheduler.ts): batches after commits, in
// log order, at most RECORDS_PER_TURN per turn, what a batch writes in the next one, and stopping.
import { prepareRecordSize } from '../../src/emulator/log/record-size.js';
import {
  BatchScheduler,
  RECORDS_PER_TURN,
  type BatchConsumer,
} from '../../src/emulator/projections/batch-scheduler.js';
import { EventStore } from '../../src/emulator/store/event-store.js';
import type { ProposedEvent, StoredEvent } from '../../src/emulator/store/stored-event.js';

const newStore = (): EventStore =>
  new EventStore({
    recordSize: (streamName, event) =>
      prepareRecordSize({
        streamName,
        eventType: event.eventType,
        dataLength: event.data.length,
        metadataLength: event.metadata.length,
      }),
  });

const event = (): ProposedEvent => ({
  eventId: crypto.randomUUID(),
  eventType: 'Happened',
  isJson: true,
  data: new Uint8Array(Buffer.from('{}')),
  metadata: new Uint8Array(0),
});

function appendMany(store: EventStore, stream: string, count: number): void {
  store.append(
    stream,
    { kind: 'any' },
    Array.from({ length: count }, () => event()),
  );
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Waits turns until `done` holds (a few hundred at most). */
async function turnsUntil(done: () => boolean): Promise<void> {
  for (let turns = 0; turns < 500 && !done(); turns++) await turn();
  expect(done()).toBe(true);
}

/** A consumer that records each batch's streams and event numbers, and how often it was told it caught up. */
function recorder(onRecord: (record: StoredEvent) => void = () => undefined) {
  const batches: string[][] = [];
  let caughtUp = 0;
  const consumer: BatchConsumer = {
    processBatch: (records) => {
      const batch: string[] = [];
      for (const record of records) {
        batch.push(`${record.streamName}@${record.eventNumber}`);
        onRecord(record);
      }
      batches.push(batch);
    },
    caughtUp: () => {
      caughtUp += 1;
    },
  };
  return { consumer, batches, caughtUp: () => caughtUp, all: () => batches.flat() };
}

describe('BatchScheduler', () => {
  test('reads nothing inside start or an append; a later turn gets the records, in log order', async () => {
    const store = newStore();
    appendMany(store, 'a', 2);
    const seen = recorder();
    const scheduler = new BatchScheduler(store, seen.consumer);
    scheduler.start();
    expect(seen.batches).toEqual([]);
    await turnsUntil(() => seen.caughtUp() === 1);
    expect(seen.all()).toEqual(store.log.map((record) => `${record.streamName}@${record.eventNumber}`));

    appendMany(store, 'b', 1);
    expect(seen.all()).not.toContain('b@0');
    await turnsUntil(() => seen.caughtUp() === 2);
    expect(seen.all().at(-1)).toBe('b@0');
    scheduler.stop();
  });

  test(`a backlog is split into batches of at most ${RECORDS_PER_TURN}, each record once`, async () => {
    const store = newStore();
    const seen = recorder();
    appendMany(store, 'long', RECORDS_PER_TURN * 2 + 10);
    const scheduler = new BatchScheduler(store, seen.consumer);
    scheduler.start();
    await turnsUntil(() => seen.caughtUp() === 1);
    expect(seen.batches.every((batch) => batch.length <= RECORDS_PER_TURN)).toBe(true);
    expect(seen.batches.length).toBeGreaterThanOrEqual(3);
    const all = seen.all();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(store.log.length);
    scheduler.stop();
  });

  test('what a batch writes waits for the next batch', async () => {
    const store = newStore();
    appendMany(store, 'in', 1);
    let wrote = false;
    const seen = recorder((record) => {
      if (record.streamName === 'in' && !wrote) {
        wrote = true;
        appendMany(store, 'out', 1);
      }
    });
    const scheduler = new BatchScheduler(store, seen.consumer);
    scheduler.start();
    await turnsUntil(() => seen.all().includes('out@0'));
    const batchOfIn = seen.batches.findIndex((batch) => batch.includes('in@0'));
    const batchOfOut = seen.batches.findIndex((batch) => batch.includes('out@0'));
    expect(batchOfOut).toBeGreaterThan(batchOfIn);
    scheduler.stop();
  });

  test('a consumer that takes only part of a batch gets the rest in the next one', async () => {
    const store = newStore();
    appendMany(store, 'a', 5);
    const taken: bigint[][] = [];
    const scheduler = new BatchScheduler(store, {
      processBatch: (records) => {
        const batch: bigint[] = [];
        for (const record of records) {
          if (record.streamName !== 'a') continue;
          batch.push(record.eventNumber);
          if (batch.length === 2) break;
        }
        taken.push(batch);
      },
    });
    scheduler.start();
    await turnsUntil(() => taken.flat().length === 5);
    expect(taken.flat()).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(taken.filter((batch) => batch.length > 0).length).toBeGreaterThanOrEqual(3);
    scheduler.stop();
  });

  test('stopping from inside a batch ends it: no more records, no caught-up call, no later batch', async () => {
    const store = newStore();
    appendMany(store, 'a', 3);
    const seen: bigint[] = [];
    let caughtUp = false;
    let batches = 0;
    const scheduler: BatchScheduler = new BatchScheduler(store, {
      processBatch: (records) => {
        batches += 1;
        for (const record of records) {
          if (record.streamName !== 'a') continue;
          seen.push(record.eventNumber);
          if (record.eventNumber === 1n) scheduler.stop();
        }
      },
      caughtUp: () => {
        caughtUp = true;
      },
    });
    scheduler.start();
    await turnsUntil(() => !scheduler.running);
    appendMany(store, 'a', 1);
    for (let turns = 0; turns < 5; turns++) await turn();
    expect(seen).toEqual([0n, 1n]);
    expect([batches, caughtUp]).toEqual([1, false]);
  });

  test('stop before the first turn: nothing is read', async () => {
    const store = newStore();
    appendMany(store, 'a', 1);
    const seen = recorder();
    const scheduler = new BatchScheduler(store, seen.consumer);
    scheduler.start();
    expect(scheduler.running).toBe(true);
    scheduler.stop();
    for (let turns = 0; turns < 5; turns++) await turn();
    expect([seen.batches, seen.caughtUp(), scheduler.running]).toEqual([[], 0, false]);
  });
});
