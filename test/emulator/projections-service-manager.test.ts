// The emulator's Projections service over the node's real projection manager (startEmulator with
// runProjections 'all'): a user projection's life through the wire, and the server's answers to its errors
// (docs/protocol.md §3.17.1).
import { randomUUID } from 'node:crypto';
import { ClientError, createChannel, createClient, type Channel, Status } from 'nice-grpc';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ProjectionsDefinition, type ProjectionsClient } from '../../src/generated/projections.js';
import { type AppendReq, StreamsDefinition, type StreamsClient } from '../../src/generated/streams.js';
import { asyncIterableOf } from '../support/async-iterable.js';

jest.setTimeout(30_000);

const COUNTER = `fromCategory('order').when({
  $init: () => ({ count: 0 }),
  OrderPlaced: (state, event) => { state.count += 1; }
})`;

let emulator: RunningEmulator;
let channel: Channel;
let projections: ProjectionsClient;
let streams: StreamsClient;

beforeAll(async () => {
  emulator = await startEmulator({ runProjections: 'all', startStandardProjections: true });
  channel = createChannel(`${emulator.host}:${emulator.port}`);
  projections = createClient(ProjectionsDefinition, channel);
  streams = createClient(StreamsDefinition, channel);
});

afterAll(async () => {
  channel.close();
  await emulator.stop();
});

async function appendOrder(stream: string): Promise<void> {
  const options: AppendReq = {
    content: {
      $case: 'options',
      value: {
        streamIdentifier: { streamName: Buffer.from(stream) },
        expectedStreamRevision: { $case: 'any', value: {} },
      },
    },
  };
  const event: AppendReq = {
    content: {
      $case: 'proposedMessage',
      value: {
        id: { value: { $case: 'string', value: randomUUID() } },
        metadata: { type: 'OrderPlaced', 'content-type': 'application/json' },
        customMetadata: new Uint8Array(0),
        data: Buffer.from('{}'),
      },
    },
  };
  await streams.append(asyncIterableOf([options, event]));
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const value = await read();
    if (done(value) || attempt > 200) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function failure(call: () => Promise<unknown>): Promise<ClientError> {
  try {
    await call();
  } catch (error: unknown) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

test('create, state, statistics, disable and delete a continuous projection', async () => {
  const name = `counter-${randomUUID()}`;
  const create = { options: { mode: { $case: 'continuous' as const, value: { name } }, query: COUNTER } };
  await projections.create(create);
  await appendOrder(`order-${randomUUID()}`);
  await appendOrder(`order-${randomUUID()}`);
  const state = await eventually(
    () => projections.state({ options: { name, partition: '' } }),
    (response) => (response.state as { count?: number } | undefined)?.count === 2,
  );
  expect(state.state).toEqual({ count: 2 });

  const statistics = [];
  for await (const response of projections.statistics({
    options: { mode: { $case: 'name', value: name } },
  })) {
    statistics.push(response.details);
  }
  expect(statistics).toHaveLength(1);
  expect(statistics[0]).toMatchObject({ name, mode: 'Continuous', status: 'Running' });

  const conflict = await failure(() => projections.create(create));
  expect([conflict.code, conflict.details]).toEqual([
    Status.UNKNOWN,
    'Envelope callback expected Updated, received Conflict instead',
  ]);

  await projections.disable({ options: { name, writeCheckpoint: true } });
  await projections.delete({ options: { name, deleteCheckpointStream: true, deleteStateStream: true } });
  const gone = await failure(() => projections.state({ options: { name } }));
  expect([gone.code, gone.details]).toEqual([Status.NOT_FOUND, `Projection '${name}' not found`]);
});

test('a system projection cannot be deleted', async () => {
  await projections.disable({ options: { name: '$by_category', writeCheckpoint: true } });
  const error = await failure(() => projections.delete({ options: { name: '$by_category' } }));
  expect([error.code, error.details]).toEqual([
    Status.UNKNOWN,
    'Envelope callback expected Updated, received OperationFailed instead',
  ]);
  await projections.enable({ options: { name: '$by_category' } });
});

test('Reset reaches a system projection: a new epoch, and it runs again from the start', async () => {
  await projections.reset({ options: { name: '$by_event_type', writeCheckpoint: true } });
  const details = await eventually(
    async () => {
      const found = [];
      for await (const response of projections.statistics({
        options: { mode: { $case: 'name', value: '$by_event_type' } },
      })) {
        found.push(response.details);
      }
      return found[0];
    },
    (found) => found?.status === 'Running',
  );
  // Created at version 0, enabled at 1; the reset is version 2, and its epoch.
  expect(details).toMatchObject({ status: 'Running', epoch: 2n, version: 2n });
});

test('RestartSubsystem answers, and the projections run again', async () => {
  await projections.restartSubsystem({});
  const all = [];
  for await (const response of projections.statistics({ options: { mode: { $case: 'all', value: {} } } })) {
    all.push(response.details?.name);
  }
  expect(all).toEqual(expect.arrayContaining(['$by_category', '$by_event_type', '$streams']));
});
