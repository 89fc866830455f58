// Projections in an emulated cluster (§3.17.1 "In a cluster"): every node serves the Projections service, the
// leader alone runs the projections over the shared log, and a new leader takes them up from the log
// (ProjectionsSubsystem.cs, ProjectionManager.cs at v24.10.0). Raw nice-grpc clients on the generated definitions.
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createChannel, createClient, Metadata, Status, type Channel } from 'nice-grpc';
import {
  startEmulatorCluster,
  type EmulatorClusterOptions,
  type RunningEmulatorCluster,
} from '../../src/emulator/index.js';
import { ProjectionsDefinition, type ProjectionsClient } from '../../src/generated/projections.js';
import { StreamsDefinition, type StreamsClient } from '../../src/generated/streams.js';
import { collect, failure } from './projections-support.js';
import { append, readEvents, readMessages, recorded, streamReadRequest } from './read-support.js';

jest.setTimeout(30_000);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Clients on each node of a cluster, by index; channels are closed together. */
class NodeClients {
  private readonly channels: Channel[] = [];

  constructor(private readonly cluster: RunningEmulatorCluster) {}

  private channel(index: number): Channel {
    const node = this.cluster.nodes[index];
    if (node === undefined) throw new Error(`no node ${index}`);
    const channel = createChannel(`${node.host}:${node.port}`);
    this.channels.push(channel);
    return channel;
  }

  streams(index: number): StreamsClient {
    return createClient(StreamsDefinition, this.channel(index));
  }

  projections(index: number): ProjectionsClient {
    return createClient(ProjectionsDefinition, this.channel(index));
  }

  /** The clients of the node that leads now. */
  leader(): { streams: StreamsClient; projections: ProjectionsClient; index: number } {
    const leader = this.cluster.leader;
    if (leader === undefined) throw new Error('no leader');
    return {
      streams: this.streams(leader.index),
      projections: this.projections(leader.index),
      index: leader.index,
    };
  }

  close(): void {
    for (const channel of this.channels) channel.close();
  }
}

let cluster: RunningEmulatorCluster | undefined;
let clients: NodeClients;

async function startCluster(options: EmulatorClusterOptions): Promise<RunningEmulatorCluster> {
  cluster = await startEmulatorCluster({ electionDelayMs: 100, ...options });
  clients = new NodeClients(cluster);
  return cluster;
}

afterEach(async () => {
  if (cluster === undefined) return;
  clients.close();
  await cluster.stop();
  cluster = undefined;
});

/** Whether a call is still unanswered after 300 ms; it is cancelled then. */
async function unanswered(call: (signal: AbortSignal) => Promise<unknown>): Promise<boolean> {
  const controller = new AbortController();
  const outcome = call(controller.signal).then(
    () => 'answered',
    (error: unknown) => (controller.signal.aborted ? 'cancelled' : `failed: ${String(error)}`),
  );
  const waited = sleep(300).then(() => 'pending');
  const first = await Promise.race([outcome, waited]);
  controller.abort();
  return first === 'pending' && (await outcome) === 'cancelled';
}

/** A category name of its own for each test (no `-`, which would end it). */
const newCategory = (): string => `cat${randomUUID().replaceAll('-', '')}`;

/** The `$ce-` stream's links, each as the `<number>@<stream>` it points to. */
async function linksOf(streams: StreamsClient, category: string): Promise<string[]> {
  const messages = await readMessages(streams, streamReadRequest(`$ce-${category}`));
  if (messages[0]?.content?.$case === 'streamNotFound') return [];
  return readEvents(messages).map((event) => Buffer.from(recorded(event).data).toString('utf8'));
}

/** Waits until the `$ce-` stream holds `count` links, then a while longer, and returns them. */
async function settledLinks(streams: StreamsClient, category: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 5000;
  while ((await linksOf(streams, category)).length < count && Date.now() < deadline) await sleep(20);
  await sleep(200);
  return linksOf(streams, category);
}

const expectedLinks = (stream: string, from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, offset) => `${from + offset}@${stream}`);

test('the leader alone runs the standard projections: each `$ce-` link is written once, not once per node', async () => {
  await startCluster({ nodes: 3, runProjections: 'system', startStandardProjections: true });
  const category = newCategory();
  const stream = `${category}-1`;
  await append(clients.streams(1), stream, 3);
  expect(await settledLinks(clients.streams(2), category, 3)).toEqual(expectedLinks(stream, 0, 3));
});

test('a leader change: the new leader goes on from where the old one stopped, no link twice and none missing', async () => {
  const running = await startCluster({ nodes: 3, runProjections: 'all', startStandardProjections: true });
  const category = newCategory();
  const stream = `${category}-1`;
  await append(clients.leader().streams, stream, 2);
  expect(await settledLinks(clients.streams(0), category, 2)).toEqual(expectedLinks(stream, 0, 2));
  // Written just before the leader resigns: whichever leader links them, they are linked once.
  await append(clients.leader().streams, stream, 2);
  await running.forceLeaderChange(1);
  await running.stable();
  await append(clients.leader().streams, stream, 2);
  expect(await settledLinks(clients.streams(2), category, 6)).toEqual(expectedLinks(stream, 0, 6));
  // The old leader, now a follower, does not run them either.
  await append(clients.leader().streams, stream, 1);
  expect(await settledLinks(clients.streams(0), category, 7)).toEqual(expectedLinks(stream, 0, 7));
});

test('the leader stops: the new leader resumes the user projection from the log, and serves its state', async () => {
  const running = await startCluster({ nodes: 3, runProjections: 'all', startStandardProjections: true });
  const category = newCategory();
  const query = `fromCategory('${category}').when({
    $init: function () { return { count: 0 }; },
    Happened: function (s) { s.count++; return s; }
  })`;
  const first = clients.leader();
  await first.projections.create({
    options: {
      mode: {
        $case: 'continuous',
        value: { name: 'counter', emitEnabled: false, trackEmittedStreams: false },
      },
      query,
    },
  });
  await append(first.streams, `${category}-1`, 3);
  const countOn = async (projections: ProjectionsClient, count: number): Promise<unknown> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const response = await projections.state({ options: { name: 'counter', partition: '' } });
      const state: unknown = response.state;
      if ((state as { count?: number } | undefined)?.count === count || Date.now() > deadline) return state;
      await sleep(20);
    }
  };
  expect(await countOn(first.projections, 3)).toEqual({ count: 3 });
  await running.nodes[first.index]?.stop();
  await running.stable();
  const second = clients.leader();
  expect(second.index).not.toBe(first.index);
  await append(second.streams, `${category}-2`, 2);
  expect(await countOn(second.projections, 5)).toEqual({ count: 5 });
  const [statistics] = await collect(
    second.projections.statistics({ options: { mode: { $case: 'name', value: 'counter' } } }),
  );
  expect(statistics?.details?.status).toBe('Running');
});

test('a follower and a read-only replica do not answer projection calls; RestartSubsystem names their state', async () => {
  const running = await startCluster({ nodes: 3, readOnlyReplica: true, runProjections: 'all' });
  const statistics = (index: number, signal?: AbortSignal) =>
    collect(
      clients
        .projections(index)
        .statistics(
          { options: { mode: { $case: 'all', value: {} } } },
          { signal, metadata: Metadata({ 'requires-leader': 'true' }) },
        ),
    );
  // The leader lists the standard projections; the others drop the requests, whatever the header says.
  expect((await statistics(0)).map((response) => response.details?.name)).toContain('$by_category');
  for (const index of [1, 3]) {
    expect(await unanswered((signal) => statistics(index, signal))).toBe(true);
    const created = (signal: AbortSignal) =>
      clients
        .projections(index)
        .create(
          { options: { mode: { $case: 'transient', value: { name: 'p' } }, query: 'fromAll()' } },
          { signal },
        );
    expect(await unanswered(created)).toBe(true);
  }
  for (const index of [1, 3]) {
    const error = await failure(() => clients.projections(index).restartSubsystem({}));
    expect(error.code).toBe(Status.FAILED_PRECONDITION);
    expect(error.details).toBe('Projection Subsystem cannot be restarted as it is in the wrong state: Ready');
  }
  await running.forceLeaderChange(1);
  await running.stable();
  const old = await failure(() => clients.projections(0).restartSubsystem({}));
  expect(old.details).toBe('Projection Subsystem cannot be restarted as it is in the wrong state: Stopped');
  await expect(clients.projections(1).restartSubsystem({})).resolves.toEqual({});
});

test('startStandardProjections acts the first time a node leads: a node that led before keeps them as they are', async () => {
  const running = await startCluster({ nodes: 3, runProjections: 'system', startStandardProjections: true });
  const status = async (index: number): Promise<string | undefined> => {
    const [response] = await collect(
      clients.projections(index).statistics({ options: { mode: { $case: 'name', value: '$by_category' } } }),
    );
    return response?.details?.status;
  };
  await clients.projections(0).disable({ options: { name: '$by_category', writeCheckpoint: true } });
  expect(await status(0)).toBe('Stopped');
  // Node 1 has not led: its subsystem enables the stopped standard projections.
  await running.forceLeaderChange(1);
  await running.stable();
  expect(await status(1)).toBe('Running');
  await clients.projections(1).disable({ options: { name: '$by_category', writeCheckpoint: true } });
  // Node 0 led before: it runs them as their definitions say.
  await running.forceLeaderChange(0);
  await running.stable();
  expect(await status(0)).toBe('Stopped');
});

test('bad projection options are refused, naming the option', async () => {
  await expect(startEmulatorCluster({ runProjections: 'some' as 'all' })).rejects.toThrow(
    "startEmulatorCluster: runProjections must be 'none', 'system' or 'all'",
  );
});

test('--cluster-size with --run-projections and --start-standard-projections: the leader runs them', async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/emulator/cli.ts',
      '--cluster-size',
      '3',
      '--port',
      '0',
      '--run-projections',
      'system',
      '--start-standard-projections',
    ],
    { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 20_000;
    let leader: RegExpExecArray | null = null;
    while ((leader = /node \d+: (\S+) \(leader\)/.exec(output)) === null) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no leader printed: ${output}`);
      await sleep(50);
    }
    const channel = createChannel(leader[1] ?? '');
    try {
      const listed = await collect(
        createClient(ProjectionsDefinition, channel).statistics({
          options: { mode: { $case: 'all', value: {} } },
        }),
      );
      expect(listed.map((response) => [response.details?.name, response.details?.status])).toContainEqual([
        '$by_category',
        'Running',
      ]);
    } finally {
      channel.close();
    }
  } finally {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
});
