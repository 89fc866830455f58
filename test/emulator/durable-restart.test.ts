// A durable node started again on its directory (issue 12, §3): a damaged log is refused with a typed error or
// cut on request, a torn tail is cut with a warning, each start writes the next epoch as a real node does
// (ElectionsService.cs SendProposal, EpochManager.cs WriteNewEpoch), and persistent subscription groups and
// their checkpoints are still there.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DamagedLogError, type EmulatorOptions } from '../../src/emulator/index.js';
import { createStore } from '../../src/emulator/server/create-store.js';
import {
  ackIdOf,
  appendEvents,
  connect,
  identifier,
  nodeDefaults,
  readStream,
  retryCountOf,
  startPersistentNode,
  stopPersistentNode,
  streamCreate,
  stringIdOf,
  type PersistentTestNode,
} from './persistent-support.js';

jest.setTimeout(60_000);

let dataDir: string;
let logPath: string;
let warnings: string[];
let node: PersistentTestNode | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'durable-restart-'));
  logPath = join(dataDir, 'events.log');
  warnings = [];
});
afterEach(async () => {
  await stopPersistentNode(node);
  node = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(options: EmulatorOptions = {}): Promise<PersistentTestNode> {
  await stopPersistentNode(node);
  node = await startPersistentNode({
    dataDir,
    onWarning: (message) => warnings.push(message),
    ...options,
  });
  return node;
}

/** Appends one write per entry of `counts`, returning the log file's length after each. */
async function appendWrites(stream: string, counts: number[]): Promise<{ ids: string[]; ends: number[] }> {
  const running = await start();
  const ids: string[] = [];
  const ends: number[] = [];
  for (const count of counts) {
    ids.push(...(await appendEvents(running.streams, stream, count)).ids);
    ends.push(statSync(logPath).size);
  }
  await stopPersistentNode(running);
  node = undefined;
  return { ids, ends };
}

function flipByteAt(offset: number): void {
  const bytes = readFileSync(logPath);
  bytes.writeUInt8(bytes.readUInt8(offset) ^ 0x01, offset);
  writeFileSync(logPath, bytes);
}

async function idsIn(stream: string): Promise<string[]> {
  if (node === undefined) throw new Error('no node running');
  const events = (await readStream(node.streams, stream)) ?? [];
  return events.map((event) => (event.id?.value?.$case === 'string' ? event.id.value.value : ''));
}

test('a byte flipped mid-log: the node refuses to start, naming the file and the offset', async () => {
  const { ends } = await appendWrites('orders', [2, 3, 1]);
  const damaged = ends[0] ?? 0;
  flipByteAt(damaged + 30);

  // Should it start after all, it is stopped, so that the failure is an assertion and not a hung test.
  const error: unknown = await startPersistentNode({
    dataDir,
    onWarning: (message) => warnings.push(message),
  }).then(stopPersistentNode, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(DamagedLogError);
  expect(error).toMatchObject({ path: logPath, offset: damaged, appendsAfter: 1, eventsAfter: 1 });
  expect((error as Error).message).toContain(`The durable log ${logPath} is damaged at byte ${damaged}:`);
  expect(statSync(logPath).size).toBe(ends.at(-1));
  expect(warnings).toEqual([]);
});

test('truncateDamagedLog: the node starts, warns what it dropped, and every event before the damage is there', async () => {
  const { ids, ends } = await appendWrites('orders', [2, 3, 1, 4]);
  const damaged = ends[1] ?? 0;
  const end = ends.at(-1) ?? 0;
  flipByteAt(damaged + 30);

  await start({ truncateDamagedLog: true });
  expect(warnings).toEqual([
    `${logPath}: damaged at byte ${damaged}; truncateDamagedLog cut the log there, dropping ${end - damaged} ` +
      'bytes that held 1 intact write (4 events).',
  ]);
  expect(await idsIn('orders')).toEqual(ids.slice(0, 5));
});

test('a torn last write is cut with a warning and the node starts with every whole write', async () => {
  const { ids, ends } = await appendWrites('orders', [2, 5]);
  writeFileSync(logPath, readFileSync(logPath).subarray(0, (ends[1] ?? 0) - 20));

  await start();
  expect(warnings).toEqual([
    expect.stringMatching(/events\.log: cut \d+ bytes at byte \d+, after the last whole write/),
  ]);
  expect(await idsIn('orders')).toEqual(ids.slice(0, 2));
});

test('a 5-event append through the store, its log cut at any byte, comes back with 0 or 5 events', () => {
  const noted = (): {
    eventId: string;
    eventType: string;
    isJson: boolean;
    data: Uint8Array;
    metadata: Uint8Array;
  } => ({
    eventId: crypto.randomUUID(),
    eventType: 'Noted',
    isJson: true,
    data: new TextEncoder().encode('{"n":1}'),
    metadata: new Uint8Array(0),
  });
  const first = createStore({ dataDir, secure: false, instanceId: crypto.randomUUID() });
  first.store.append('torn', { kind: 'any' }, [noted()]);
  const start = statSync(logPath).size;
  first.store.append('torn', { kind: 'any' }, [noted(), noted(), noted(), noted(), noted()]);
  first.close();
  const whole = readFileSync(logPath);
  const counts = new Set<number>();
  for (let cut = start; cut <= whole.length; cut++) {
    writeFileSync(logPath, whole.subarray(0, cut));
    const reopened = createStore({
      dataDir,
      secure: false,
      instanceId: crypto.randomUUID(),
      warn: () => undefined,
    });
    reopened.close();
    const view = reopened.store.readStream('torn');
    counts.add(view.kind === 'found' ? view.events.length - 1 : -1);
  }
  expect([...counts].sort()).toEqual([0, 5]);
});

test('each start on a durable log writes the next epoch at the end of the log, linked to the one before', () => {
  const epochs = (): { number: number; position: number; previous: number }[] => {
    const opened = createStore({ dataDir, secure: false, instanceId: crypto.randomUUID() });
    opened.close();
    const { store } = opened;
    const view = store.readStream('$epoch-information');
    if (view.kind !== 'found') throw new Error('no $epoch-information');
    return view.events.map((event) => {
      // Newtonsoft leaves out zero values (newtonsoft-json.ts), as the server writes them.
      const json = JSON.parse(Buffer.from(event.data).toString('utf8')) as Record<string, number | undefined>;
      return {
        number: json.epochNumber ?? 0,
        position: json.epochPosition ?? 0,
        previous: json.prevEpochPosition ?? 0,
      };
    });
  };
  const first = createStore({ dataDir, secure: false, instanceId: crypto.randomUUID() });
  first.store.append('orders', { kind: 'any' }, [
    {
      eventId: crypto.randomUUID(),
      eventType: 'Placed',
      isJson: true,
      data: new Uint8Array(2),
      metadata: new Uint8Array(0),
    },
  ]);
  const headBeforeRestart = Number(first.store.headPosition);
  first.close();

  const afterOneRestart = epochs();
  expect(afterOneRestart).toEqual([
    { number: 0, position: 0, previous: -1 },
    { number: 1, position: headBeforeRestart, previous: 0 },
  ]);
  const afterTwo = epochs();
  expect(afterTwo.slice(0, 2)).toEqual(afterOneRestart);
  expect(afterTwo[2]).toMatchObject({ number: 2, previous: headBeforeRestart });
  expect(afterTwo[2]?.position).toBeGreaterThan(headBeforeRestart);
});

test('the scavenge history metadata is written once per database, not again at a restart', () => {
  const scavengeMetadataCount = (): number => {
    const opened = createStore({ dataDir, secure: false, instanceId: crypto.randomUUID() });
    opened.close();
    return opened.store.log.filter((record) => record.streamName === '$$$scavenges').length;
  };
  // startup-records.ts item 4: a restart finds the metadata already set and writes nothing.
  expect([scavengeMetadataCount(), scavengeMetadataCount(), scavengeMetadataCount()]).toEqual([1, 1, 1]);
});

test('a persistent subscription group and its checkpoint survive a restart of a durable node', async () => {
  const running = await start();
  const stream = 'checkpointed';
  const appended = await appendEvents(running.streams, stream, 3);
  await running.persistent.create(
    streamCreate(
      stream,
      'g',
      { $case: 'start' },
      nodeDefaults({ minCheckpointCount: 2, maxCheckpointCount: 2 }),
    ),
  );
  const consumer = await connect(running.persistent, stream, 'g');
  const events = await consumer.waitForEvents(3);
  consumer.ack(events.slice(0, 2).map(ackIdOf));
  const checkpoints = `$persistentsubscription-${stream}::g-checkpoint`;
  for (let tries = 0; (await readStream(running.streams, checkpoints))?.length !== 1; tries++) {
    if (tries > 100) throw new Error('no checkpoint written');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  consumer.cancel();

  const restarted = await start();
  const info = await restarted.persistent.getInfo({
    options: { streamOption: { $case: 'streamIdentifier', value: identifier(stream) }, groupName: 'g' },
  });
  expect(info.subscriptionInfo?.lastCheckpointedEventPosition).toBe('1');
  const resumed = await connect(restarted.persistent, stream, 'g');
  try {
    const again = await resumed.waitForEvents(1);
    expect(again.map((event) => [stringIdOf(event.event), retryCountOf(event)])).toEqual([
      [appended.ids[2], 0],
    ]);
    await resumed.expectQuiet(200);
  } finally {
    resumed.cancel();
  }
  expect(warnings).toEqual([]);
});
