// The emulator's Projections service: how requests reach the projection manager and how its refusals reach
// the wire (docs/protocol.md §3.17.1; server: ProjectionManagement.*.cs), against a scripted manager.
import { type Metadata, Status } from 'nice-grpc';
import type { ProjectionStatistics } from '../../src/emulator/projections/projection-management.js';
import {
  collect,
  failure,
  type FakeManagerNode,
  ProjectionManagementError,
  serveFakeManager,
} from './projections-support.js';

/** A one-time projection's generated name. */
const UUID_PATTERN: unknown = expect.stringMatching(
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
);

const STATISTICS: ProjectionStatistics = {
  name: 'orders',
  effectiveName: 'orders',
  status: 'Running',
  stateReason: '',
  mode: 'Continuous',
  position: 'C:100/P:100',
  progress: 100,
  lastCheckpoint: 'C:0/P:-1',
  eventsProcessedAfterRestart: 7n,
  checkpointStatus: '',
  bufferedEvents: 0n,
  writePendingEventsBeforeCheckpoint: 0,
  writePendingEventsAfterCheckpoint: 0,
  writesInProgress: 0,
  readsInProgress: 0,
  partitionsCached: 1,
  coreProcessingTime: 12n,
  version: 1n,
  epoch: -1n,
};

describe('insecure node: requests reach the manager', () => {
  let node: FakeManagerNode;
  beforeAll(async () => {
    node = await serveFakeManager(false);
  });
  afterAll(() => node.stop());
  beforeEach(() => {
    node.manager.calls.length = 0;
    node.manager.failures.clear();
  });

  test('Create: continuous keeps its name and emit options; transient and one-time never emit', async () => {
    const { client, manager } = node;
    await client.create({
      options: {
        mode: { $case: 'continuous', value: { name: 'c', emitEnabled: true, trackEmittedStreams: true } },
        query: 'fromAll()',
      },
    });
    await client.create({ options: { mode: { $case: 'transient', value: { name: 't' } }, query: 'q' } });
    await client.create({ options: { mode: { $case: 'oneTime', value: {} }, query: 'q' } });
    expect(manager.calls.map((call) => call.args[0])).toEqual([
      { name: 'c', mode: 'Continuous', query: 'fromAll()', emitEnabled: true, trackEmittedStreams: true },
      { name: 't', mode: 'Transient', query: 'q', emitEnabled: false, trackEmittedStreams: false },
      {
        name: UUID_PATTERN,
        mode: 'OneTime',
        query: 'q',
        emitEnabled: false,
        trackEmittedStreams: false,
      },
    ]);
    // Insecure calls run as the system account (PassthroughAuthenticationProvider.cs): no user.
    expect(manager.calls[0]?.args).toHaveLength(2);
    expect(manager.calls[0]?.args[1]).toBeUndefined();
  });

  test('Create: tracking emitted streams without emitting throws in the handler', async () => {
    const error = await failure(() =>
      node.client.create({
        options: {
          mode: { $case: 'continuous', value: { name: 'c', emitEnabled: false, trackEmittedStreams: true } },
          query: 'q',
        },
      }),
    );
    expect([error.code, error.details]).toEqual([Status.UNKNOWN, 'Exception was thrown by handler.']);
    expect(node.manager.calls).toEqual([]);
  });

  test('Update: emit_enabled sets the option, no_emit_options keeps it', async () => {
    const { client, manager } = node;
    await client.update({
      options: { name: 'p', query: 'q', emitOption: { $case: 'emitEnabled', value: false } },
    });
    await client.update({
      options: { name: 'p', query: 'r', emitOption: { $case: 'noEmitOptions', value: {} } },
    });
    expect(manager.calls.map((call) => call.args)).toEqual([
      ['p', 'q', false, undefined],
      ['p', 'r', undefined, undefined],
    ]);
  });

  test('Delete, Enable, Disable (Abort without checkpoint), Reset, RestartSubsystem', async () => {
    const { client, manager } = node;
    await client.delete({
      options: {
        name: 'p',
        deleteEmittedStreams: true,
        deleteStateStream: false,
        deleteCheckpointStream: true,
      },
    });
    await client.enable({ options: { name: 'p' } });
    await client.disable({ options: { name: 'p', writeCheckpoint: true } });
    await client.disable({ options: { name: 'p', writeCheckpoint: false } });
    await client.reset({ options: { name: 'p', writeCheckpoint: true } });
    await client.restartSubsystem({});
    expect(manager.calls).toEqual([
      {
        operation: 'delete',
        args: [
          'p',
          { deleteEmittedStreams: true, deleteStateStream: false, deleteCheckpointStream: true },
          undefined,
        ],
      },
      { operation: 'enable', args: ['p', undefined] },
      { operation: 'disable', args: ['p', true, undefined] },
      { operation: 'disable', args: ['p', false, undefined] },
      { operation: 'reset', args: ['p', true, undefined] },
      { operation: 'restartSubsystem', args: [] },
    ]);
  });

  test('Statistics: one response per projection; the selector follows the mode, an empty name means all', async () => {
    const { client, manager } = node;
    manager.listed = [STATISTICS, { ...STATISTICS, name: 'other', effectiveName: 'other' }];
    const responses = await collect(
      client.statistics({ options: { mode: { $case: 'name', value: 'orders' } } }),
    );
    expect(responses.map((response) => response.details)).toEqual([
      { ...STATISTICS },
      { ...STATISTICS, name: 'other', effectiveName: 'other' },
    ]);
    await collect(client.statistics({ options: { mode: { $case: 'name', value: '' } } }));
    await collect(client.statistics({ options: { mode: { $case: 'all', value: {} } } }));
    await collect(client.statistics({ options: { mode: { $case: 'oneTime', value: {} } } }));
    await collect(client.statistics({ options: { mode: { $case: 'transient', value: {} } } }));
    await collect(client.statistics({ options: { mode: { $case: 'continuous', value: {} } } }));
    expect(manager.calls.map((call) => call.args[0])).toEqual([
      { name: 'orders' },
      { all: true },
      { all: true },
      { mode: 'OneTime' },
      { mode: 'Transient' },
      { mode: 'Continuous' },
    ]);
  });

  test('State and Result: the JSON becomes a Value; no state is an empty object', async () => {
    const { client, manager } = node;
    manager.json = '{"count":2,"names":["a",null,true],"nested":{"x":1.5}}';
    const state = await client.state({ options: { name: 'p', partition: 'order-1' } });
    expect(state.state).toEqual({ count: 2, names: ['a', null, true], nested: { x: 1.5 } });
    manager.json = '3';
    expect((await client.result({ options: { name: 'p', partition: '' } })).result).toBe(3);
    manager.json = undefined;
    expect((await client.state({ options: { name: 'p', partition: '' } })).state).toEqual({});
    manager.json = '';
    expect((await client.result({ options: { name: 'p', partition: '' } })).result).toEqual({});
    expect(manager.calls.map((call) => [call.operation, ...call.args])).toEqual([
      ['state', 'p', 'order-1'],
      ['result', 'p', ''],
      ['state', 'p', ''],
      ['result', 'p', ''],
    ]);
  });
});

describe('insecure node: refusals as the server answers them', () => {
  let node: FakeManagerNode;
  beforeAll(async () => {
    node = await serveFakeManager(false);
  });
  afterAll(() => node.stop());
  beforeEach(() => {
    node.manager.failures.clear();
  });

  const notFound = new ProjectionManagementError('not-found', 'Not found');

  test('an unknown projection is NOT_FOUND with its name, for every method that checks', async () => {
    const { client, manager } = node;
    for (const operation of [
      'update',
      'delete',
      'statistics',
      'enable',
      'disable',
      'reset',
      'state',
      'result',
    ] as const) {
      manager.failures.set(operation, notFound);
    }
    const calls: (() => Promise<unknown>)[] = [
      () =>
        client.update({
          options: { name: 'p', query: 'q', emitOption: { $case: 'noEmitOptions', value: {} } },
        }),
      () => client.delete({ options: { name: 'p' } }),
      () => collect(client.statistics({ options: { mode: { $case: 'name', value: 'p' } } })),
      () => client.enable({ options: { name: 'p' } }),
      () => client.disable({ options: { name: 'p', writeCheckpoint: true } }),
      () => client.reset({ options: { name: 'p' } }),
      () => client.state({ options: { name: 'p' } }),
      () => client.result({ options: { name: 'p' } }),
    ];
    for (const call of calls) {
      const error = await failure(call);
      expect([error.code, error.details]).toEqual([Status.NOT_FOUND, "Projection 'p' not found"]);
    }
  });

  test('other refusals are UNKNOWN naming the reply the handler expected and the one it got', async () => {
    const { client, manager } = node;
    manager.failures.set(
      'create',
      new ProjectionManagementError('conflict', 'Duplicate projection names : p'),
    );
    manager.failures.set('delete', new ProjectionManagementError('invalid', 'no'));
    manager.failures.set('enable', new ProjectionManagementError('access-denied', 'no'));
    manager.failures.set('state', new ProjectionManagementError('invalid', 'no'));
    manager.failures.set('result', new ProjectionManagementError('access-denied', 'no'));
    const create = () =>
      client.create({ options: { mode: { $case: 'transient', value: { name: 'p' } }, query: 'q' } });
    const cases: [() => Promise<unknown>, string][] = [
      [create, 'Envelope callback expected Updated, received Conflict instead'],
      [
        () => client.delete({ options: { name: 'p' } }),
        'Envelope callback expected Updated, received OperationFailed instead',
      ],
      [
        () => client.enable({ options: { name: 'p' } }),
        'Envelope callback expected Updated, received NotAuthorized instead',
      ],
      [
        () => client.state({ options: { name: 'p' } }),
        'Envelope callback expected ProjectionState, received OperationFailed instead',
      ],
      [
        () => client.result({ options: { name: 'p' } }),
        'Envelope callback expected ProjectionResult, received NotAuthorized instead',
      ],
    ];
    for (const [call, details] of cases) {
      const error = await failure(call);
      expect([error.code, error.details]).toEqual([Status.UNKNOWN, details]);
    }
    // Create has no NotFound case of its own.
    manager.failures.set('create', new ProjectionManagementError('not-found', 'x'));
    expect((await failure(create)).details).toBe(
      'Envelope callback expected Updated, received NotFound instead',
    );
  });

  test('RestartSubsystem of a subsystem that is not started is FAILED_PRECONDITION with the server text', async () => {
    const text = 'Projection Subsystem cannot be restarted as it is in the wrong state: Stopped';
    node.manager.failures.set('restartSubsystem', new ProjectionManagementError('not-running', text));
    const error = await failure(() => node.client.restartSubsystem({}));
    expect([error.code, error.details]).toEqual([Status.FAILED_PRECONDITION, text]);
  });

  test('a manager that has not started its projections never answers', async () => {
    node.manager.failures.set('enable', new ProjectionManagementError('not-running', 'not started'));
    const controller = new AbortController();
    const call = node.client.enable({ options: { name: 'p' } }, { signal: controller.signal }).then(
      () => 'answered',
      (error: unknown) => (controller.signal.aborted ? 'cancelled' : `failed: ${String(error)}`),
    );
    const waited = new Promise((resolve) =>
      setTimeout(() => {
        resolve('pending');
      }, 300),
    );
    expect(await Promise.race([call, waited])).toBe('pending');
    controller.abort();
    expect(await call).toBe('cancelled');
  });

  test('refusals carry no exception trailer', async () => {
    node.manager.failures.set('enable', new ProjectionManagementError('not-found', 'x'));
    let trailer: Metadata | undefined;
    await failure(() =>
      node.client.enable({ options: { name: 'p' } }, { onTrailer: (metadata) => (trailer = metadata) }),
    );
    expect(trailer?.get('exception')).toBeUndefined();
    expect(trailer?.get('grpc-status')).toBeUndefined();
  });

  test('a request without options throws in the handler', async () => {
    const error = await failure(() => node.client.enable({}));
    expect([error.code, error.details]).toEqual([Status.UNKNOWN, 'Exception was thrown by handler.']);
  });
});
