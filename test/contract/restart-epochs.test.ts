/**
 * Contract: what a durable node writes when it starts again, as the official client reads it. Each time a node
 * becomes leader it writes the next epoch to `$epoch-information`, linked to the epoch before and placed at
 * the end of the log (ElectionsService.cs `SendProposal`, EpochManager.cs `WriteNewEpoch`; §3.12). Only the
 * emulator can be restarted from a test, so this suite drives it alone, in both modes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BACKWARDS, END, KurrentDBClient, START, type Position } from '@kurrent/kurrentdb-client';

import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { MODES, collect, makeEvents, uniqueStream, withCredentials } from './harness.js';

jest.setTimeout(60_000);

interface Epoch {
  readonly number: number;
  readonly position: number;
  readonly previous: number;
}

/** The epochs the node has written, oldest first, as the official client reads them. */
async function epochsOf(client: KurrentDBClient): Promise<Epoch[]> {
  const events = await collect(client.readStream('$epoch-information', { fromRevision: START }));
  return events.map((resolved) => {
    // The server serialises with Newtonsoft, leaving out zero values (§2.8).
    const data = resolved.event?.data as Record<string, number | undefined>;
    return {
      number: data.epochNumber ?? 0,
      position: data.epochPosition ?? 0,
      previous: data.prevEpochPosition ?? 0,
    };
  });
}

/** The position of the last record in `$all`. */
async function lastRecordOf(client: KurrentDBClient): Promise<Position> {
  const [last] = await collect(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }));
  const position = last?.event?.position;
  if (position === undefined) throw new Error('$all is empty');
  return position;
}

const onTheEmulator = process.env.ESDB_URI === undefined ? describe.each(MODES) : describe.skip.each(MODES);

onTheEmulator('epochs written by restarts of a durable node (%s)', (mode) => {
  let dataDir: string;
  let emulator: RunningEmulator;
  let clients: KurrentDBClient[] = [];

  const connect = (): KurrentDBClient => {
    const uri =
      mode === 'secure'
        ? withCredentials(emulator.uri, { username: 'admin', password: 'changeit' })
        : emulator.uri;
    const client = KurrentDBClient.connectionString(uri.replace(/^esdb:/, 'kurrentdb:'));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'epochs-'));
    emulator = await startEmulator({ secure: mode === 'secure', dataDir });
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.dispose()));
    clients = [];
    await emulator.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('each restart writes the next epoch, linked to the one before, after the log as it was', async () => {
    const before = connect();
    await before.appendToStream(uniqueStream('epochs'), makeEvents(3));
    const lastBefore = await lastRecordOf(before);
    expect(await epochsOf(before)).toEqual([{ number: 0, position: 0, previous: -1 }]);

    await emulator.restart();
    const after = connect();
    const epochs = await epochsOf(after);
    expect(epochs.map(({ number, previous }) => ({ number, previous }))).toEqual([
      { number: 0, previous: -1 },
      { number: 1, previous: 0 },
    ]);
    // $all never shows `$epoch-information` (§3.7): the next event written follows the last one before the
    // restart in $all, at a position past the epoch record and its event.
    const stream = uniqueStream('epochs');
    await after.appendToStream(stream, makeEvents(1));
    const [same, next] = await collect(after.readAll({ fromPosition: lastBefore, maxCount: 2 }));
    expect(same?.event?.position.commit).toBe(lastBefore.commit);
    expect(next?.event?.streamId).toBe(stream);
    const epochPosition = BigInt(epochs[1]?.position ?? -1);
    expect(epochPosition).toBeGreaterThan(lastBefore.commit);
    expect(next?.event?.position.commit ?? -1n).toBeGreaterThan(epochPosition);
  });
});
