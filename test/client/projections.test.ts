// The projection methods against a server that runs projections, in insecure and secure mode: a continuous
// projection's life (create, state, result, statistics, update, disable, enable, reset, delete), partitions,
// the typed errors, the subsystem's restart, and the permissions of a secure server (docs/protocol.md §3.17.1).
import { randomUUID } from 'node:crypto';
import {
  AccessDeniedError,
  EsdbClient,
  NewEvent,
  ProjectionExistsError,
  ProjectionNotFoundError,
  ProjectionOperationFailedError,
  StreamNotFoundError,
} from '../../src/client/index.js';
import { MODES, rejectionOf, textOf, useClientTarget } from './support/target.js';

jest.setTimeout(60_000);

/** The claim type before each group in a definition's `runAs` roles (§3.17.4). */
const ROLE_CLAIM = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

const COUNTER = `fromCategory('ORDERS').when({
  $init: () => ({ count: 0 }),
  OrderPlaced: (state, event) => { state.count += 1; }
})`;

const PER_STREAM = `fromCategory('ORDERS').foreachStream().when({
  $init: () => ({ placed: 0 }),
  OrderPlaced: (state, event) => { state.placed += 1; }
})`;

/** A projection query over its own category, so that tests do not see each other's events. */
function queryFor(template: string, category: string): string {
  return template.replace("'ORDERS'", `'${category}'`);
}

async function placeOrders(client: EsdbClient, streamName: string, count: number): Promise<void> {
  const events = Array.from({ length: count }, () => NewEvent.json({ type: 'OrderPlaced', data: {} }));
  await client.appendEvents({ streamName, expectedPosition: null, events });
}

/** Reads until `done` holds or 20 s pass (projections run after the write is acknowledged). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Emits one event per order to `<category>out-<order stream's number>`. */
function emitterOf(category: string): string {
  return `fromCategory('${category}').when({
    OrderPlaced: (state, event) => { emit('${category}out-' + event.streamId.split('-')[1], 'Seen', {}); }
  })`;
}

/** The types of a stream's events, or `'not-found'` (a deleted stream reads as one that never existed). */
async function typesIn(client: EsdbClient, streamName: string): Promise<string[] | 'not-found'> {
  const types: string[] = [];
  try {
    for await (const event of client.readStreamEvents({ streamName })) types.push(event.type);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return 'not-found';
    throw error;
  }
  return types;
}

describe.each(MODES)('projections (%s)', (mode) => {
  const target = useClientTarget(mode, { runProjections: 'all', startStandardProjections: true });

  test('a continuous projection: state, result and statistics follow the events', async () => {
    const client = target().client();
    const category = `orders${randomUUID().replaceAll('-', '')}`;
    const name = `count-${category}`;
    await client.createProjection({ name, query: queryFor(COUNTER, category) });
    await placeOrders(client, `${category}-1`, 2);
    await placeOrders(client, `${category}-2`, 1);
    const read = () => client.getProjectionState<{ count: number }>({ name });
    expect(await eventually(read, (state) => state.count === 3)).toEqual({ count: 3 });
    expect(await client.getProjectionResult<{ count: number }>({ name })).toEqual({ count: 3 });

    const statistics = await client.getProjectionStatistics({ name });
    expect(statistics).toMatchObject({ name, effectiveName: name, mode: 'Continuous', status: 'Running' });
    expect(typeof statistics.eventsProcessedAfterRestart).toBe('bigint');
    expect(typeof statistics.coreProcessingTime).toBe('bigint');
    expect(typeof statistics.progress).toBe('number');
  });

  test('a partitioned projection keeps one state per stream', async () => {
    const client = target().client();
    const category = `orders${randomUUID().replaceAll('-', '')}`;
    const name = `per-stream-${category}`;
    await client.createProjection({ name, query: queryFor(PER_STREAM, category) });
    await placeOrders(client, `${category}-a`, 2);
    await placeOrders(client, `${category}-b`, 1);
    const read = (partition: string) => () =>
      client.getProjectionState<{ placed?: number }>({ name, partition });
    expect(await eventually(read(`${category}-a`), (state) => state.placed === 2)).toEqual({ placed: 2 });
    expect(await eventually(read(`${category}-b`), (state) => state.placed === 1)).toEqual({ placed: 1 });
  });

  test('disable, enable, reset, update and delete', async () => {
    const client = target().client();
    const category = `orders${randomUUID().replaceAll('-', '')}`;
    const name = `managed-${category}`;
    await client.createProjection({ name, query: queryFor(COUNTER, category) });
    await placeOrders(client, `${category}-1`, 1);
    await eventually(
      () => client.getProjectionState<{ count: number }>({ name }),
      (state) => state.count === 1,
    );

    await client.disableProjection({ name });
    const stopped = await eventually(
      () => client.getProjectionStatistics({ name }),
      (statistics) => statistics.status.includes('Stopped'),
    );
    expect(stopped.status).toContain('Stopped');
    await client.enableProjection({ name });
    const running = await eventually(
      () => client.getProjectionStatistics({ name }),
      (statistics) => statistics.status === 'Running',
    );
    expect(running.status).toBe('Running');

    await client.resetProjection({ name });
    const afterReset = await eventually(
      () => client.getProjectionState<{ count: number }>({ name }),
      (state) => state.count === 1,
    );
    expect(afterReset).toEqual({ count: 1 });

    const doubled = queryFor(COUNTER, category).replace('state.count += 1', 'state.count += 2');
    await client.updateProjection({ name, query: doubled });
    await client.disableProjection({ name });
    await client.deleteProjection({ name, deleteStateStream: true, deleteCheckpointStream: true });
    const error = await eventually(
      () => rejectionOf(client.getProjectionStatistics({ name })),
      (failure) => failure instanceof ProjectionNotFoundError,
    );
    expect(error).toBeInstanceOf(ProjectionNotFoundError);
  });

  test('deleteProjection with deleteEmittedStreams deletes the tracked streams and the checkpoints', async () => {
    const client = target().client();
    const category = `orders${randomUUID().replaceAll('-', '')}`;
    const name = `tracked-${category}`;
    const query = emitterOf(category);
    await client.createProjection({ name, query, emitEnabled: true, trackEmittedStreams: true });
    await placeOrders(client, `${category}-1`, 1);
    await placeOrders(client, `${category}-2`, 1);
    const emitted = [`${category}out-1`, `${category}out-2`];
    const tracking = `$projections-${name}-emittedstreams`;
    for (const stream of emitted) {
      expect(
        await eventually(
          () => typesIn(client, stream),
          (t) => t !== 'not-found',
        ),
      ).toEqual(['Seen']);
    }
    expect(await typesIn(client, tracking)).toEqual(['$StreamTracked', '$StreamTracked']);
    await client.disableProjection({ name });
    expect(await typesIn(client, `$projections-${name}-checkpoint`)).not.toBe('not-found');

    const options = { deleteEmittedStreams: true, deleteStateStream: true, deleteCheckpointStream: true };
    await client.deleteProjection({ name, ...options });
    for (const stream of [...emitted, tracking, `$projections-${name}-checkpoint`]) {
      expect(
        await eventually(
          () => typesIn(client, stream),
          (t) => t === 'not-found',
        ),
      ).toBe('not-found');
    }
  });

  test('deleteEmittedStreams without tracking leaves the emitted streams', async () => {
    const client = target().client();
    const category = `orders${randomUUID().replaceAll('-', '')}`;
    const name = `untracked-${category}`;
    await client.createProjection({ name, query: emitterOf(category), emitEnabled: true });
    await placeOrders(client, `${category}-1`, 1);
    const emitted = `${category}out-1`;
    expect(
      await eventually(
        () => typesIn(client, emitted),
        (t) => t !== 'not-found',
      ),
    ).toEqual(['Seen']);
    expect(await typesIn(client, `$projections-${name}-emittedstreams`)).toBe('not-found');
    await client.disableProjection({ name });
    await client.deleteProjection({ name, deleteEmittedStreams: true });
    await eventually(
      () => rejectionOf(client.getProjectionStatistics({ name })),
      (failure) => failure instanceof ProjectionNotFoundError,
    );
    expect(await typesIn(client, emitted)).toEqual(['Seen']);
    // The definition written by the Delete records what it asked for.
    let definition: Record<string, unknown> = {};
    for await (const event of client.readStreamEvents({ streamName: `$projections-${name}` })) {
      definition = JSON.parse(textOf(event.data)) as Record<string, unknown>;
    }
    expect(definition).toMatchObject({ deleteEmittedStreams: true });
  });

  test('typed errors: a name in use, an unknown projection, a system projection', async () => {
    const client = target().client();
    const name = `twice-${randomUUID()}`;
    await client.createProjection({ name, query: COUNTER });
    const exists = await rejectionOf(client.createProjection({ name, query: COUNTER }));
    expect(exists).toBeInstanceOf(ProjectionExistsError);
    expect((exists as ProjectionExistsError).projectionName).toBe(name);

    const unknown = `unknown-${randomUUID()}`;
    const calls = [
      client.updateProjection({ name: unknown, query: COUNTER }),
      client.deleteProjection({ name: unknown }),
      client.getProjectionStatistics({ name: unknown }),
      client.getProjectionState({ name: unknown }),
      client.getProjectionResult({ name: unknown }),
      client.enableProjection({ name: unknown }),
      client.disableProjection({ name: unknown }),
      client.resetProjection({ name: unknown }),
    ];
    for (const call of calls) {
      const error = await rejectionOf(call);
      expect(error).toBeInstanceOf(ProjectionNotFoundError);
      expect((error as ProjectionNotFoundError).projectionName).toBe(unknown);
    }

    const system = await rejectionOf(client.deleteProjection({ name: '$by_category' }));
    expect(system).toBeInstanceOf(ProjectionOperationFailedError);
    expect((system as ProjectionOperationFailedError).reply).toBe('OperationFailed');
  });

  test('restartProjectionsSubsystem: the projections carry on', async () => {
    const client = target().client();
    await client.restartProjectionsSubsystem();
    const statistics = await eventually(
      () => client.getProjectionStatistics({ name: '$by_category' }),
      (found) => found.status === 'Running',
    );
    expect(statistics.status).toBe('Running');
  });

  test('the definition records who created the projection (§3.17.4)', async () => {
    const client = target().client();
    const name = `run-as-${randomUUID()}`;
    await client.createProjection({ name, query: COUNTER });
    await client.disableProjection({ name });
    const creators = [];
    for await (const event of client.readStreamEvents({ streamName: `$projections-${name}` })) {
      const definition = JSON.parse(textOf(event.data)) as { runAs?: unknown; sourceDefinition?: unknown };
      creators.push(definition.runAs);
      expect(definition.sourceDefinition).toMatchObject({ categories: ['ORDERS'], events: ['OrderPlaced'] });
    }
    const admin = { name: 'admin', roles: [`${ROLE_CLAIM}$$$$admins`] };
    const runAs = mode === 'secure' ? admin : { name: '$system' };
    expect(creators).toEqual([runAs, runAs]);
  });

  if (mode === 'secure') {
    test('without credentials every projection call is denied', async () => {
      const anonymous = new EsdbClient({ ...target().hostOptions, username: undefined, password: undefined });
      try {
        const calls = [
          anonymous.createProjection({ name: `denied-${randomUUID()}`, query: COUNTER }),
          anonymous.getProjectionStatistics({ name: '$by_category' }),
          anonymous.getProjectionState({ name: '$by_category' }),
          anonymous.restartProjectionsSubsystem(),
        ];
        for (const call of calls) expect(await rejectionOf(call)).toBeInstanceOf(AccessDeniedError);
      } finally {
        await anonymous.close();
      }
    });

    test('the ops user may delete projections and restart the subsystem', async () => {
      const ops = new EsdbClient({ ...target().hostOptions, username: 'ops', password: 'changeit' });
      try {
        const name = `ops-${randomUUID()}`;
        await ops.createProjection({ name, query: COUNTER });
        await ops.disableProjection({ name });
        const definitions = [];
        const admin = target().client();
        for await (const event of admin.readStreamEvents({ streamName: `$projections-${name}`, limit: 1 })) {
          definitions.push(JSON.parse(textOf(event.data)) as unknown);
        }
        expect(definitions).toEqual([
          expect.objectContaining({ runAs: { name: 'ops', roles: [`${ROLE_CLAIM}$$$$ops`] } }),
        ]);
        await ops.deleteProjection({ name });
        await ops.restartProjectionsSubsystem();
      } finally {
        await ops.close();
      }
    });
  }
});
