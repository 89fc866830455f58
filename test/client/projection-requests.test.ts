// What the projection methods send and how they read the answers, against a node whose projection manager is
// scripted (test/emulator/projections-support.ts): option defaults as esdbclient's, argument checks before
// anything is sent, the typed errors, and call control (docs/protocol.md §2.8, §3.17.1).
import { Status } from 'nice-grpc';
import {
  CancelledError,
  DeadlineExceededError,
  EsdbClient,
  GrpcError,
  ProjectionNotFoundError,
  ProjectionOperationFailedError,
} from '../../src/client/index.js';
import { errorFromProjectionStatus } from '../../src/client/errors/error-from-projection-status.js';
import type { ProjectionStatistics } from '../../src/emulator/projections/projection-management.js';
import {
  type FakeManagerNode,
  ProjectionManagementError,
  serveFakeManager,
} from '../emulator/projections-support.js';
import { rejectionOf } from './support/target.js';

const STATISTICS: ProjectionStatistics = {
  name: 'p',
  effectiveName: 'p',
  status: 'Faulted',
  stateReason: 'boom',
  mode: 'Continuous',
  position: 'C:10/P:10',
  progress: 50.5,
  lastCheckpoint: 'C:0/P:-1',
  eventsProcessedAfterRestart: 2n ** 40n,
  checkpointStatus: 'Requested',
  bufferedEvents: 3n,
  writePendingEventsBeforeCheckpoint: 4,
  writePendingEventsAfterCheckpoint: 5,
  writesInProgress: 6,
  readsInProgress: 7,
  partitionsCached: 8,
  coreProcessingTime: 9n,
  version: 10n,
  epoch: -1n,
};

let node: FakeManagerNode;
let client: EsdbClient;

beforeAll(async () => {
  node = await serveFakeManager(false);
  client = new EsdbClient({ uri: `esdb://127.0.0.1:${node.server.port}?tls=false` });
});
afterAll(async () => {
  await client.close();
  await node.stop();
});
beforeEach(() => {
  node.manager.calls.length = 0;
  node.manager.failures.clear();
});

const argsOf = () => node.manager.calls.map((call) => [call.operation, ...call.args]);

test("the requests carry esdbclient's defaults", async () => {
  await client.createProjection({ name: 'p', query: 'q' });
  await client.createProjection({ name: 'e', query: 'q', emitEnabled: true, trackEmittedStreams: true });
  await client.updateProjection({ name: 'p', query: 'r' });
  await client.updateProjection({ name: 'p', query: 's', emitEnabled: true });
  await client.deleteProjection({ name: 'p' });
  await client.deleteProjection({
    name: 'p',
    deleteEmittedStreams: true,
    deleteStateStream: true,
    deleteCheckpointStream: true,
  });
  await client.enableProjection({ name: 'p' });
  await client.disableProjection({ name: 'p' });
  await client.resetProjection({ name: 'p' });
  await client.restartProjectionsSubsystem();
  const continuous = { mode: 'Continuous', query: 'q' };
  const none = { deleteEmittedStreams: false, deleteStateStream: false, deleteCheckpointStream: false };
  const all = { deleteEmittedStreams: true, deleteStateStream: true, deleteCheckpointStream: true };
  expect(argsOf()).toEqual([
    ['create', { ...continuous, name: 'p', emitEnabled: false, trackEmittedStreams: false }, undefined],
    ['create', { ...continuous, name: 'e', emitEnabled: true, trackEmittedStreams: true }, undefined],
    ['update', 'p', 'r', false, undefined],
    ['update', 'p', 's', true, undefined],
    ['delete', 'p', none, undefined],
    ['delete', 'p', all, undefined],
    ['enable', 'p', undefined],
    ['disable', 'p', true, undefined],
    ['reset', 'p', true, undefined],
    ['restartSubsystem'],
  ]);
});

test('state and result: the unpartitioned one by default, or a partition; JSON values as they are', async () => {
  node.manager.json = '{"a":[1,"x",null],"b":{"c":false}}';
  expect(await client.getProjectionState({ name: 'p' })).toEqual({ a: [1, 'x', null], b: { c: false } });
  node.manager.json = '"text"';
  expect(await client.getProjectionResult<string>({ name: 'p', partition: 'order-1' })).toBe('text');
  node.manager.json = undefined;
  expect(await client.getProjectionState({ name: 'p', partition: 'order-2' })).toEqual({});
  expect(argsOf()).toEqual([
    ['state', 'p', ''],
    ['result', 'p', 'order-1'],
    ['state', 'p', 'order-2'],
  ]);
});

test('statistics: every field, counters as bigint; none listed is ProjectionNotFoundError', async () => {
  node.manager.listed = [STATISTICS];
  const statistics = await client.getProjectionStatistics({ name: 'p' });
  expect(statistics).toEqual(STATISTICS);
  expect(argsOf()).toEqual([['statistics', { name: 'p' }]]);
  node.manager.listed = [];
  expect(await rejectionOf(client.getProjectionStatistics({ name: 'p' }))).toBeInstanceOf(
    ProjectionNotFoundError,
  );
});

test("the manager's refusals: ProjectionOperationFailedError names the reply", async () => {
  node.manager.failures.set('delete', new ProjectionManagementError('invalid', 'no'));
  node.manager.failures.set('enable', new ProjectionManagementError('access-denied', 'no'));
  const failed = await rejectionOf(client.deleteProjection({ name: 'p' }));
  expect(failed).toBeInstanceOf(ProjectionOperationFailedError);
  expect(failed).toMatchObject({ projectionName: 'p', reply: 'OperationFailed' });
  expect(await rejectionOf(client.enableProjection({ name: 'p' }))).toMatchObject({ reply: 'NotAuthorized' });
});

test('timeout and signal apply to projection calls', async () => {
  node.manager.failures.set('state', new ProjectionManagementError('not-running', 'never answers'));
  expect(await rejectionOf(client.getProjectionState({ name: 'p', timeout: 200 }))).toBeInstanceOf(
    DeadlineExceededError,
  );
  const controller = new AbortController();
  const call = client.getProjectionState({ name: 'p', signal: controller.signal });
  setTimeout(() => {
    controller.abort();
  }, 50);
  expect(await rejectionOf(call)).toBeInstanceOf(CancelledError);
});

test('bad arguments are refused before anything is sent', async () => {
  const cases: [Promise<unknown>, string][] = [
    [client.createProjection({ name: '', query: 'q' }), 'createProjection: name must not be empty'],
    [
      client.createProjection({ name: 'p', query: 3 as unknown as string }),
      'createProjection: query must be a string',
    ],
    [client.createProjection({ name: 'p', query: ' ' }), 'createProjection: query must not be empty'],
    [
      client.createProjection({ name: 'p', query: 'q', trackEmittedStreams: true }),
      'createProjection: trackEmittedStreams needs emitEnabled: true',
    ],
    [
      client.createProjection({ name: 'p', query: 'q', emitEnabled: 'yes' as unknown as boolean }),
      'createProjection: emitEnabled must be a boolean',
    ],
    [
      client.updateProjection({ name: 'p', query: 'q', emit: true } as never),
      "updateProjection: unknown option 'emit'",
    ],
    [
      client.deleteProjection({ name: 'p', deleteStateStream: 1 as unknown as boolean }),
      'deleteProjection: deleteStateStream must be a boolean',
    ],
    [
      client.getProjectionStatistics({ name: 7 as unknown as string }),
      'getProjectionStatistics: name must be a string',
    ],
    [
      client.getProjectionState({ name: 'p', partition: 1 as unknown as string }),
      'getProjectionState: partition must be a string',
    ],
    [client.getProjectionResult({ name: 'p', timeout: -1 }), 'getProjectionResult: timeout must be positive'],
    [client.enableProjection(undefined as never), 'enableProjection: the options must be an object'],
    [client.disableProjection({ name: '' }), 'disableProjection: name must not be empty'],
    [
      client.resetProjection({ name: 'p', writeCheckpoint: false } as never),
      'resetProjection: unknown option',
    ],
    [
      client.restartProjectionsSubsystem({ force: true } as never),
      "restartProjectionsSubsystem: unknown option 'force'",
    ],
  ];
  for (const [call, message] of cases) {
    const error = await rejectionOf(call);
    expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
    expect((error as Error).message).toContain(message);
  }
  expect(node.manager.calls).toEqual([]);
});

describe('errorFromProjectionStatus', () => {
  const status = (code: number, details: string) => new GrpcError({ code, details, trailers: {} });

  test("servers before 24.6 signal an unknown projection as an unexpected 'NotFound' reply", () => {
    const error = errorFromProjectionStatus(
      status(Status.UNKNOWN, 'Envelope callback expected Statistics, received NotFound instead'),
      'p',
    );
    expect(error).toBeInstanceOf(ProjectionNotFoundError);
    expect((error as ProjectionNotFoundError).grpcStatus?.code).toBe(Status.UNKNOWN);
  });

  test('other errors are left as they are', () => {
    const other = status(Status.UNKNOWN, 'Exception was thrown by handler.');
    expect(errorFromProjectionStatus(other, 'p')).toBe(other);
    const failedPrecondition = status(Status.FAILED_PRECONDITION, 'wrong state');
    expect(errorFromProjectionStatus(failedPrecondition, 'p')).toBe(failedPrecondition);
    const plain = new Error('x');
    expect(errorFromProjectionStatus(plain, 'p')).toBe(plain);
  });
});
