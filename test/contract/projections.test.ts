/**
 * Contract: user projections through the official client's projection methods (createProjection,
 * getProjectionState, getProjectionResult, getProjectionStatus, listProjections, updateProjection,
 * disableProjection, enableProjection, resetProjection, deleteProjection, restartSubsystem). Against the emulator
 * the node runs `runProjections: 'all'`; a real node must run with `--run-projections=all`, so with `ESDB_URI`
 * the suite runs only when `ESDB_STANDARD_PROJECTIONS=1` says so (docs/protocol.md §3.17.1).
 */
import { randomUUID } from 'node:crypto';

import {
  NotFoundError,
  StreamNotFoundError,
  UnknownError,
  jsonEvent,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';

import { MODES, collect, eventually, rejectionOf, useContractTarget } from './harness.js';

jest.setTimeout(30_000);

const runs = process.env.ESDB_URI === undefined || process.env.ESDB_STANDARD_PROJECTIONS === '1';
const describeRunning = runs ? describe.each(MODES) : describe.skip.each(MODES);

/** Counts the `OrderPlaced` events of one category; the result doubles the count. */
function counterOf(category: string): string {
  return `fromCategory('${category}').when({
    $init: () => ({ count: 0 }),
    OrderPlaced: (state, event) => { state.count += 1; }
  }).transformBy((state) => ({ doubled: state.count * 2 }))`;
}

/** The event types of a stream, or `'not-found'` (a soft-deleted stream reads as one that never existed). */
async function typesIn(client: KurrentDBClient, stream: string): Promise<string[] | 'not-found'> {
  try {
    return (await collect(client.readStream(stream))).map((resolved) => resolved.event?.type ?? '');
  } catch (error) {
    if (error instanceof StreamNotFoundError) return 'not-found';
    throw error;
  }
}

const uniqueCategory = () => `order${randomUUID().replace(/-/g, '')}`;

describeRunning('projections (%s)', (mode) => {
  const target = useContractTarget(mode, { runProjections: 'all', startStandardProjections: true });

  test('a continuous projection: state, result and status follow the events', async () => {
    const client = target().client();
    const category = uniqueCategory();
    const name = `count-${category}`;
    await client.createProjection(name, counterOf(category));
    await client.appendToStream(`${category}-1`, jsonEvent({ type: 'OrderPlaced', data: {} }));
    await client.appendToStream(`${category}-2`, jsonEvent({ type: 'OrderPlaced', data: {} }));
    const state = await eventually(
      () => client.getProjectionState<{ count?: number }>(name),
      (value) => value.count === 2,
      `the state of ${name}`,
    );
    expect(state).toEqual({ count: 2 });
    expect(await client.getProjectionResult(name)).toEqual({ doubled: 4 });

    const status = await client.getProjectionStatus(name);
    expect(status).toMatchObject({
      name,
      effectiveName: name,
      status: 'Running',
      projectionStatus: 'Running',
    });
    const listed = await client.listProjections();
    expect(listed.map((projection) => projection.name)).toEqual(
      expect.arrayContaining([name, '$by_category']),
    );
  });

  test('before the first handled event, state and result are empty: $init has not run', async () => {
    const client = target().client();
    const category = uniqueCategory();
    const name = `idle-${category}`;
    await client.createProjection(name, counterOf(category));
    await client.appendToStream(`${category}-1`, jsonEvent({ type: 'OrderCancelled', data: {} }));
    await eventually(
      async () => (await client.getProjectionStatus(name)).status,
      (status) => status === 'Running',
      `${name} running`,
    );
    expect(await client.getProjectionState(name)).toEqual({});
    expect(await client.getProjectionResult(name)).toEqual({});

    await client.appendToStream(`${category}-1`, jsonEvent({ type: 'OrderPlaced', data: {} }));
    const state = await eventually(
      () => client.getProjectionState<{ count?: number }>(name),
      (value) => value.count === 1,
      `the state of ${name}`,
    );
    expect(state).toEqual({ count: 1 });
  });

  test('emitting with tracked streams; disable, enable, update, reset and delete', async () => {
    const client = target().client();
    const category = uniqueCategory();
    const name = `emit-${category}`;
    const query = `fromCategory('${category}').when({
      OrderPlaced: (state, event) => { emit('${category}out-1', 'Seen', { from: event.streamId }); }
    })`;
    // trackEmittedStreams makes the client look for the `track_emitted_streams` feature of Create (§3.16).
    await client.createProjection(name, query, { emitEnabled: true, trackEmittedStreams: true });
    await client.appendToStream(`${category}-1`, jsonEvent({ type: 'OrderPlaced', data: {} }));
    await eventually(
      async () => (await client.getProjectionStatus(name)).eventsProcessedAfterRestart,
      (processed) => processed >= 1n,
      `${name} processing the event`,
    );

    await client.disableProjection(name);
    await eventually(
      async () => (await client.getProjectionStatus(name)).status,
      (status) => status.includes('Stopped'),
      `${name} stopped`,
    );
    await client.enableProjection(name);
    await client.updateProjection(name, query, { emitEnabled: true });
    await client.resetProjection(name);
    await client.disableProjection(name);
    await eventually(
      async () => (await client.getProjectionStatus(name)).status,
      (status) => status.includes('Stopped'),
      `${name} stopped again`,
    );
    await client.deleteProjection(name, { deleteEmittedStreams: true, deleteStateStream: true });
    await eventually(
      () => rejectionOf(client.getProjectionStatus(name)),
      (error) => error instanceof NotFoundError,
      `${name} gone`,
    );
  });

  test('deleteProjection deletes the tracked emitted streams and the checkpoint stream', async () => {
    const client = target().client();
    const category = uniqueCategory();
    const name = `tracked-${category}`;
    const emitted = `${category}out-1`;
    const query = `fromCategory('${category}').when({
      OrderPlaced: (state, event) => { emit('${emitted}', 'Seen', {}); }
    })`;
    await client.createProjection(name, query, { emitEnabled: true, trackEmittedStreams: true });
    await client.appendToStream(`${category}-1`, jsonEvent({ type: 'OrderPlaced', data: {} }));
    await eventually(
      () => typesIn(client, emitted),
      (types) => types !== 'not-found',
      `${emitted} written`,
    );
    const tracking = `$projections-${name}-emittedstreams`;
    expect(await typesIn(client, tracking)).toEqual(['$StreamTracked']);
    await client.disableProjection(name);
    await eventually(
      async () => (await client.getProjectionStatus(name)).status,
      (status) => status.includes('Stopped'),
      `${name} stopped`,
    );
    await client.deleteProjection(name, { deleteEmittedStreams: true, deleteCheckpointStream: true });
    for (const stream of [emitted, tracking, `$projections-${name}-checkpoint`]) {
      const types = await eventually(
        () => typesIn(client, stream),
        (t) => t === 'not-found',
        `${stream} gone`,
      );
      expect(types).toBe('not-found');
    }
  });

  test('errors: a name in use, an unknown projection', async () => {
    const client = target().client();
    const category = uniqueCategory();
    const name = `twice-${category}`;
    await client.createProjection(name, counterOf(category));
    const conflict = await rejectionOf(client.createProjection(name, counterOf(category)));
    expect(conflict).toBeInstanceOf(UnknownError);
    expect((conflict as Error).message).toContain('received Conflict instead');

    const unknown = `unknown-${randomUUID()}`;
    expect(await rejectionOf(client.getProjectionState(unknown))).toBeInstanceOf(NotFoundError);
    expect(await rejectionOf(client.getProjectionStatus(unknown))).toBeInstanceOf(NotFoundError);
    expect(await rejectionOf(client.enableProjection(unknown))).toBeInstanceOf(NotFoundError);
  });

  test('restartSubsystem: the projections run again', async () => {
    const client = target().client();
    await client.restartSubsystem();
    const status = await eventually(
      () => client.getProjectionStatus('$by_category'),
      (details) => details.status === 'Running',
      '$by_category running again',
    );
    expect(status.status).toBe('Running');
  });
});
