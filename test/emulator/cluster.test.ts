// The emulated cluster (issue 5) against the facts (docs/protocol.md §3.15 gossip, §3.1.1 `not-leader`,
// §3.1.2, §4 `requires-leader`, §2.6 VNodeState) and the server source it follows (ClusterVNodeController.cs,
// GossipServiceBase.cs, RpcExceptions.cs, Streams.BatchAppend.cs, PersistentSubscriptionService.cs), through raw
// nice-grpc clients on the generated definitions.
import { spawn } from 'node:child_process';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { join } from 'node:path';
import { ChannelCredentials } from '@grpc/grpc-js';
import { ClientError, createChannel, createClient, Metadata, Status, type Channel } from 'nice-grpc';
import {
  startEmulatorCluster,
  type EmulatorClusterOptions,
  type RunningEmulatorCluster,
} from '../../src/emulator/index.js';
import {
  GossipDefinition,
  type MemberInfo,
  MemberInfo_VNodeState as VNodeState,
} from '../../src/generated/gossip.js';
import {
  PersistentSubscriptionsDefinition,
  type PersistentSubscriptionsClient,
} from '../../src/generated/persistent.js';
import {
  type AppendReq,
  type AppendResp,
  type BatchAppendReq,
  type BatchAppendResp,
  type DeepPartial,
  type ReadReq,
  type ReadResp,
  StreamsDefinition,
  type StreamsClient,
} from '../../src/generated/streams.js';
import { asyncIterableOf } from '../support/async-iterable.js';
import { connect as connectConsumer, Consumer, readOptions, streamCreate } from './persistent-support.js';
import { positionOfAppend, readEvents, recorded, streamReadRequest, uniqueStream } from './read-support.js';

jest.setTimeout(30_000);

const TRANSPORT_KEYS = new Set(['content-type', 'date']);

/** The server's own trailer keys of a failed call. */
function serverKeys(trailer: Metadata | undefined): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [key, value] of trailer ?? []) {
    if (!key.startsWith('grpc-') && !TRANSPORT_KEYS.has(key)) keys[key] = String(value);
  }
  return keys;
}

/** A call's failure with the server's trailer keys; fails the test when the call succeeds. */
async function failure(
  call: (onTrailer: (trailer: Metadata) => void) => Promise<unknown>,
): Promise<{ error: ClientError; trailer: Record<string, string> }> {
  let trailer: Metadata | undefined;
  try {
    await call((received) => (trailer = received));
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    return { error, trailer: serverKeys(trailer) };
  }
  throw new Error('the call succeeded');
}

const leaderRequired = (value = 'true'): Metadata => Metadata({ 'requires-leader': value });

/** Clients on every node of a cluster; channels are opened on first use and closed together. */
class Clients {
  private readonly channels = new Map<number, Channel>();

  constructor(
    private readonly cluster: RunningEmulatorCluster,
    private readonly credentials?: ChannelCredentials,
  ) {}

  channel(index: number): Channel {
    let channel = this.channels.get(index);
    if (channel === undefined) {
      const node = this.cluster.nodes[index];
      if (node === undefined) throw new Error(`no node ${index}`);
      channel = createChannel(`${node.host}:${node.port}`, this.credentials);
      this.channels.set(index, channel);
    }
    return channel;
  }

  /** Forgets a node's channel, so that the next call dials it afresh (after a restart). */
  reset(index: number): void {
    this.channels.get(index)?.close();
    this.channels.delete(index);
  }

  streams(index: number): StreamsClient {
    return createClient(StreamsDefinition, this.channel(index));
  }

  persistent(index: number): PersistentSubscriptionsClient {
    return createClient(PersistentSubscriptionsDefinition, this.channel(index));
  }

  gossip(index: number): Promise<MemberInfo[]> {
    return createClient(GossipDefinition, this.channel(index))
      .read({})
      .then((info) => info.members);
  }

  close(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }
}

function appendRequests(stream: string, count: number): DeepPartial<AppendReq>[] {
  return [
    {
      content: {
        $case: 'options',
        value: {
          streamIdentifier: { streamName: Buffer.from(stream) },
          expectedStreamRevision: { $case: 'any', value: {} },
        },
      },
    },
    ...Array.from({ length: count }, (): DeepPartial<AppendReq> => ({
      content: {
        $case: 'proposedMessage',
        value: {
          id: { value: { $case: 'string', value: crypto.randomUUID() } },
          metadata: { type: 'Happened', 'content-type': 'application/json' },
          data: Buffer.from('{}'),
        },
      },
    })),
  ];
}

function append(
  client: StreamsClient,
  stream: string,
  count: number,
  options: { metadata?: Metadata; onTrailer?: (trailer: Metadata) => void } = {},
): Promise<AppendResp> {
  return client.append(asyncIterableOf(appendRequests(stream, count)), options);
}

async function read(
  client: StreamsClient,
  request: DeepPartial<ReadReq>,
  options: { metadata?: Metadata; onTrailer?: (trailer: Metadata) => void } = {},
): Promise<ReadResp[]> {
  const messages: ReadResp[] = [];
  for await (const message of client.read(request, options)) messages.push(message);
  return messages;
}

function batch(stream: string): DeepPartial<BatchAppendReq> {
  return {
    correlationId: { value: { $case: 'string', value: crypto.randomUUID() } },
    options: {
      streamIdentifier: { streamName: Buffer.from(stream) },
      expectedStreamPosition: { $case: 'any', value: {} },
      deadlineOption: { $case: 'deadline', value: { seconds: 10n, nanos: 0 } },
    },
    proposedMessages: [
      {
        id: { value: { $case: 'string', value: crypto.randomUUID() } },
        metadata: { type: 'Happened', 'content-type': 'application/json' },
        data: Buffer.from('{}'),
      },
    ],
    isFinal: true,
  };
}

async function batchAppend(
  client: StreamsClient,
  requests: DeepPartial<BatchAppendReq>[],
  options: { metadata?: Metadata; onTrailer?: (trailer: Metadata) => void } = {},
): Promise<BatchAppendResp[]> {
  const responses: BatchAppendResp[] = [];
  for await (const response of client.batchAppend(asyncIterableOf(requests), options)) {
    responses.push(response);
    if (responses.length === requests.length) break;
  }
  return responses;
}

/** A gossip member by its address. */
function memberAt(members: readonly MemberInfo[], host: string, port: number): MemberInfo {
  const member = members.find((m) => m.httpEndPoint?.address === host && m.httpEndPoint.port === port);
  if (member === undefined) throw new Error(`gossip has no member at ${host}:${port}`);
  return member;
}

/** Gossip without the time stamps, which move with every gossip round. */
function withoutTimeStamps(members: readonly MemberInfo[]): Omit<MemberInfo, 'timeStamp'>[] {
  return members.map((member) => {
    const rest: Partial<MemberInfo> = { ...member };
    delete rest.timeStamp;
    return rest as Omit<MemberInfo, 'timeStamp'>;
  });
}

function structuredIdText(member: MemberInfo): string {
  const value = member.instanceId?.value;
  if (value?.$case !== 'structured') throw new Error('the instance id is not structured');
  const hex = (n: bigint): string => BigInt.asUintN(64, n).toString(16).padStart(16, '0');
  const text = hex(value.value.mostSignificantBits) + hex(value.value.leastSignificantBits);
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} of ${items.length}`);
  return item;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startCluster(options: EmulatorClusterOptions = {}): Promise<{
  cluster: RunningEmulatorCluster;
  clients: Clients;
}> {
  const cluster = await startEmulatorCluster(options);
  return { cluster, clients: new Clients(cluster) };
}

describe('a three-node cluster', () => {
  let cluster: RunningEmulatorCluster;
  let clients: Clients;

  beforeAll(async () => {
    ({ cluster, clients } = await startCluster());
  });

  afterAll(async () => {
    clients.close();
    await cluster.stop();
  });

  test('the nodes listen on 127.0.0.1, 127.0.0.2 and 127.0.0.3 on one port, all named as seeds', () => {
    const [first] = cluster.nodes;
    expect(cluster.nodes.map((node) => node.host)).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    expect(new Set(cluster.nodes.map((node) => node.port)).size).toBe(1);
    const port = first?.port ?? 0;
    expect(cluster.uri).toBe(`esdb://127.0.0.1:${port},127.0.0.2:${port},127.0.0.3:${port}?tls=false`);
  });

  test('every node answers gossip with the same members: one leader, two followers, alive, each at its address (§3.15)', async () => {
    const views = await Promise.all([0, 1, 2].map((index) => clients.gossip(index)));
    const [first, ...others] = views.map(withoutTimeStamps);
    for (const other of others) expect(other).toEqual(first);
    const members = views[0] ?? [];
    expect(members).toHaveLength(3);
    // The server's ClusterInfo keeps its members in descending order of address (ClusterInfo.cs).
    expect(members.map((member) => member.httpEndPoint?.address)).toEqual([
      '127.0.0.3',
      '127.0.0.2',
      '127.0.0.1',
    ]);
    for (const node of cluster.nodes) {
      const member = memberAt(members, node.host, node.port);
      expect(member.isAlive).toBe(true);
      expect(member.state).toBe(node.index === 0 ? VNodeState.Leader : VNodeState.Follower);
      // The structured form of the node's instance id (§3.15, §3.11).
      expect(structuredIdText(member)).toBe(node.instanceId);
      // 100-ns ticks since the Unix epoch, from a gossip round at most a few seconds old.
      const ageMs = Date.now() - Number(member.timeStamp / 10_000n);
      expect(ageMs).toBeGreaterThanOrEqual(0);
      expect(ageMs).toBeLessThan(10_000);
    }
    expect(new Set(members.map(structuredIdText)).size).toBe(3);
  });

  test('a follower serves reads of what was written through the leader, at the same positions', async () => {
    const stream = uniqueStream();
    const position = positionOfAppend(await append(clients.streams(0), stream, 3));
    const events = readEvents(await read(clients.streams(1), streamReadRequest(stream)));
    expect(events).toHaveLength(3);
    expect(recorded(nth(events, 2)).commitPosition).toBe(position);
  });

  test('an ordinary write to a follower is forwarded to the leader: it succeeds and the leader reads it', async () => {
    const stream = uniqueStream();
    const position = positionOfAppend(await append(clients.streams(2), stream, 2));
    const events = readEvents(await read(clients.streams(0), streamReadRequest(stream)));
    expect(events.map((event) => recorded(event).streamRevision)).toEqual([0n, 1n]);
    expect(recorded(nth(events, 1)).commitPosition).toBe(position);
    // BatchAppend and Delete go the same way (ClusterVNodeController.cs `HandleAsNonLeader(WriteEvents)`).
    const [response] = await batchAppend(clients.streams(1), [batch(stream)]);
    expect(response?.result?.$case).toBe('success');
    const deleted = await clients.streams(1).delete({
      options: {
        streamIdentifier: { streamName: Buffer.from(stream) },
        expectedStreamRevision: { $case: 'any', value: {} },
      },
    });
    expect(deleted.positionOption?.$case).toBe('position');
  });

  test.each(['true', 'True', 'TRUE'])(
    'requires-leader: %j on a follower: Append answers NOT_FOUND not-leader with the leader address (§3.1.1, §4)',
    async (value) => {
      const stream = uniqueStream();
      const leader = cluster.nodes[0];
      const { error, trailer } = await failure((onTrailer) =>
        append(clients.streams(1), stream, 1, { metadata: leaderRequired(value), onTrailer }),
      );
      expect(error.code).toBe(Status.NOT_FOUND);
      expect(error.details).toBe('Leader info available');
      expect(trailer).toEqual({
        exception: 'not-leader',
        'leader-endpoint-host': leader?.host,
        'leader-endpoint-port': String(leader?.port),
      });
      // Nothing was written.
      const messages = await read(clients.streams(0), streamReadRequest(stream));
      expect(messages.map((message) => message.content?.$case)).toEqual(['streamNotFound']);
    },
  );

  test('requires-leader on a follower: Read, Delete, Tombstone and BatchAppend answer not-leader as well', async () => {
    const stream = uniqueStream();
    await append(clients.streams(0), stream, 1);
    const expected = {
      exception: 'not-leader',
      'leader-endpoint-host': '127.0.0.1',
      'leader-endpoint-port': String(cluster.nodes[0]?.port),
    };
    const identifier = { streamName: Buffer.from(stream) };
    const calls: ((onTrailer: (trailer: Metadata) => void) => Promise<unknown>)[] = [
      (onTrailer) =>
        read(clients.streams(2), streamReadRequest(stream), { metadata: leaderRequired(), onTrailer }),
      (onTrailer) =>
        clients.streams(2).delete(
          {
            options: { streamIdentifier: identifier, expectedStreamRevision: { $case: 'any', value: {} } },
          },
          { metadata: leaderRequired(), onTrailer },
        ),
      (onTrailer) =>
        clients.streams(2).tombstone(
          {
            options: { streamIdentifier: identifier, expectedStreamRevision: { $case: 'any', value: {} } },
          },
          { metadata: leaderRequired(), onTrailer },
        ),
      // BatchAppend: the write callback's not-leader error ends the whole call (Streams.BatchAppend.cs).
      (onTrailer) =>
        batchAppend(clients.streams(2), [batch(stream)], { metadata: leaderRequired(), onTrailer }),
    ];
    for (const call of calls) {
      const { error, trailer } = await failure(call);
      expect(error.code).toBe(Status.NOT_FOUND);
      expect(trailer).toEqual(expected);
    }
    // The stream is untouched: one event, not deleted.
    expect(readEvents(await read(clients.streams(0), streamReadRequest(stream)))).toHaveLength(1);
  });

  test('requires-leader false or unparsable on a follower means false; on the leader it is served (§4)', async () => {
    const stream = uniqueStream();
    for (const value of ['false', 'False', 'yes', '']) {
      const response = await append(clients.streams(1), stream, 1, { metadata: leaderRequired(value) });
      expect(response.result?.$case).toBe('success');
    }
    const onLeader = await append(clients.streams(0), stream, 1, { metadata: leaderRequired() });
    expect(onLeader.result?.$case).toBe('success');
    const events = readEvents(
      await read(clients.streams(0), streamReadRequest(stream), { metadata: leaderRequired() }),
    );
    expect(events).toHaveLength(5);
  });

  test('persistent subscriptions run on the leader only: a follower answers not-leader, not ready or the wrong-state failure', async () => {
    const stream = uniqueStream();
    const group = `group-${crypto.randomUUID()}`;
    const leaderAddress = {
      exception: 'not-leader',
      'leader-endpoint-host': '127.0.0.1',
      'leader-endpoint-port': String(cluster.nodes[0]?.port),
    };
    // Create on a follower: `HandleAsNonLeader(CreatePersistentSubscriptionToStream)`.
    const created = await failure((onTrailer) =>
      clients.persistent(1).create(streamCreate(stream, group, { $case: 'start' }), { onTrailer }),
    );
    expect(created.error.code).toBe(Status.NOT_FOUND);
    expect(created.trailer).toEqual(leaderAddress);

    await clients.persistent(0).create(streamCreate(stream, group, { $case: 'start' }));
    // Statistics: the subsystem is not started off the leader (PersistentSubscriptions.Info.cs NotReady).
    const info = await failure((onTrailer) =>
      clients.persistent(1).getInfo(
        {
          options: {
            streamOption: { $case: 'streamIdentifier', value: { streamName: Buffer.from(stream) } },
            groupName: group,
          },
        },
        { onTrailer },
      ),
    );
    expect(info.error.code).toBe(Status.UNAVAILABLE);
    expect(info.error.details).toBe('Server Is Not Ready');
    const listed = await failure((onTrailer) =>
      clients
        .persistent(2)
        .list({ options: { listOption: { $case: 'listAllSubscriptions', value: {} } } }, { onTrailer }),
    );
    expect(listed.error.code).toBe(Status.UNAVAILABLE);
    // RestartSubsystem: InvalidPersistentSubscriptionsRestart (PersistentSubscriptions.RestartSubsystem.cs).
    const restarted = await failure((onTrailer) => clients.persistent(2).restartSubsystem({}, { onTrailer }));
    expect(restarted.error.code).toBe(Status.INTERNAL);
    expect(restarted.error.details).toBe(
      "Subscription group  on stream  failed: 'Persistent Subscriptions cannot be restarted as it is in the wrong state.'",
    );
    expect(restarted.trailer.exception).toBe('persistent-subscription-failed');
    // The connect of a Read on a follower is refused like Create.
    const end = await new Consumer(clients.persistent(2), readOptions(stream, group)).ended;
    expect(end.kind).toBe('error');
    if (end.kind === 'error') {
      expect(end.error.code).toBe(Status.NOT_FOUND);
      expect(end.trailer).toEqual(leaderAddress);
    }
    // The leader serves the group.
    const onLeader = await clients.persistent(0).getInfo({
      options: {
        streamOption: { $case: 'streamIdentifier', value: { streamName: Buffer.from(stream) } },
        groupName: group,
      },
    });
    expect(onLeader.subscriptionInfo?.groupName).toBe(group);
  });
});

describe('a cluster with a read-only replica', () => {
  let cluster: RunningEmulatorCluster;
  let clients: Clients;

  beforeAll(async () => {
    ({ cluster, clients } = await startCluster({ readOnlyReplica: true }));
  });

  afterAll(async () => {
    clients.close();
    await cluster.stop();
  });

  test('gossip lists it as ReadOnlyReplica, a fourth member on its own address', async () => {
    const replica = cluster.nodes[3];
    expect(replica?.readOnlyReplica).toBe(true);
    expect(replica?.host).toBe('127.0.0.4');
    const members = await clients.gossip(3);
    expect(members).toHaveLength(4);
    expect(memberAt(members, '127.0.0.4', replica?.port ?? 0).state).toBe(VNodeState.ReadOnlyReplica);
    expect(members.filter((member) => member.state === VNodeState.Leader)).toHaveLength(1);
  });

  test('it serves reads, and refuses writes with not-leader, with or without requires-leader (§3.1.1)', async () => {
    const stream = uniqueStream();
    await append(clients.streams(0), stream, 1);
    expect(readEvents(await read(clients.streams(3), streamReadRequest(stream)))).toHaveLength(1);
    for (const metadata of [undefined, leaderRequired()]) {
      const { error, trailer } = await failure((onTrailer) =>
        append(clients.streams(3), stream, 1, { metadata, onTrailer }),
      );
      expect(error.code).toBe(Status.NOT_FOUND);
      expect(trailer).toEqual({
        exception: 'not-leader',
        'leader-endpoint-host': '127.0.0.1',
        'leader-endpoint-port': String(cluster.nodes[0]?.port),
      });
    }
    expect(readEvents(await read(clients.streams(0), streamReadRequest(stream)))).toHaveLength(1);
  });
});

describe('fault controls', () => {
  let cluster: RunningEmulatorCluster | undefined;
  let clients: Clients | undefined;

  /** Starts a cluster for one test; it is stopped after the test. */
  async function adopt(
    options: EmulatorClusterOptions,
  ): Promise<{ cluster: RunningEmulatorCluster; clients: Clients }> {
    const started = await startCluster(options);
    ({ cluster, clients } = started);
    return started;
  }

  afterEach(async () => {
    clients?.close();
    await cluster?.stop();
    cluster = undefined;
    clients = undefined;
  });

  test('a stopped node closes its port and shows dead in its last state; restarted, it returns as a follower', async () => {
    const { cluster: running, clients: via } = await adopt({ electionDelayMs: 200 });
    const follower = running.nodes[2];
    if (follower === undefined) throw new Error('no node 2');
    const oldInstanceId = follower.instanceId;
    await follower.stop();
    expect(follower.isAlive).toBe(false);
    // Its port is closed: the call fails UNAVAILABLE.
    const probe = createChannel(`${follower.host}:${follower.port}`);
    const refused = await createClient(GossipDefinition, probe)
      .read({}, { signal: AbortSignal.timeout(5000) })
      .catch((error: unknown) => error);
    probe.close();
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).code).toBe(Status.UNAVAILABLE);
    // The others mark it dead and keep its state (GossipServiceBase.cs `Updated(isAlive: false)`).
    const dead = memberAt(await via.gossip(0), follower.host, follower.port);
    expect(dead.isAlive).toBe(false);
    expect(dead.state).toBe(VNodeState.Follower);
    // Losing a follower is no election: the leader stays.
    await sleep(400);
    expect(running.leader?.index).toBe(0);

    await follower.restart();
    expect(follower.isAlive).toBe(true);
    expect(follower.instanceId).not.toBe(oldInstanceId);
    await running.stable();
    expect(follower.state).toBe(VNodeState.Follower);
    via.reset(2);
    const back = memberAt(await via.gossip(2), follower.host, follower.port);
    expect(back).toMatchObject({ isAlive: true, state: VNodeState.Follower });
    expect(structuredIdText(back)).toBe(follower.instanceId);
    const stream = uniqueStream();
    await append(via.streams(2), stream, 1);
    expect(readEvents(await read(via.streams(2), streamReadRequest(stream)))).toHaveLength(1);
  });

  test('forceLeaderChange: the leader resigns at once, the new leader appears after the election delay', async () => {
    const electionDelayMs = 400;
    const { cluster: running, clients: via } = await adopt({ electionDelayMs });
    const [oldLeader, , next] = running.nodes;
    if (oldLeader === undefined || next === undefined) throw new Error('missing nodes');
    const started = Date.now();
    const changed = running.forceLeaderChange(2);
    // Resigning: ResigningLeader, then Unknown; nobody leads until the election ends.
    expect([VNodeState.ResigningLeader, VNodeState.Unknown]).toContain(oldLeader.state);
    const during = await via.gossip(1);
    expect(during.filter((member) => member.state === VNodeState.Leader)).toHaveLength(0);
    expect(memberAt(during, next.host, next.port).state).toBe(VNodeState.Follower);
    // The resigning node takes no writes (`HandleAsResigningLeader`, then not ready while Unknown).
    const refused = await failure(() => append(via.streams(0), uniqueStream(), 1));
    expect(refused.error.code).toBe(Status.UNAVAILABLE);
    expect(refused.error.details).toBe('Server Is Not Ready');
    // BatchAppend answers in-band: a status with code 0 and a packed Empty (Streams.BatchAppend.cs).
    const [notReady] = await batchAppend(via.streams(0), [batch(uniqueStream())]);
    expect(notReady?.result).toEqual({
      $case: 'error',
      value: {
        code: 0,
        message: 'Server Is Not Ready',
        details: { typeUrl: 'type.googleapis.com/google.protobuf.Empty', value: new Uint8Array(0) },
      },
    });

    const leader = await changed;
    expect(leader.index).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(electionDelayMs - 5);
    await running.stable();
    const after = await via.gossip(0);
    expect(memberAt(after, next.host, next.port).state).toBe(VNodeState.Leader);
    expect(memberAt(after, oldLeader.host, oldLeader.port).state).toBe(VNodeState.Follower);
    // The old leader now redirects to the new one.
    const redirected = await failure((onTrailer) =>
      append(via.streams(0), uniqueStream(), 1, { metadata: leaderRequired(), onTrailer }),
    );
    expect(redirected.trailer).toEqual({
      exception: 'not-leader',
      'leader-endpoint-host': next.host,
      'leader-endpoint-port': String(next.port),
    });
    // The new leader wrote epoch 1 naming itself (EpochManager.cs `WriteNewEpoch`).
    const epochs = readEvents(await read(via.streams(2), streamReadRequest('$epoch-information')));
    expect(epochs).toHaveLength(2);
    const epoch = JSON.parse(Buffer.from(recorded(nth(epochs, 1)).data).toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(epoch).toMatchObject({ epochNumber: 1, leaderInstanceId: next.instanceId });
    expect(epoch.epochPosition).toEqual(expect.any(Number));
    // Epoch 0 sits at position 0, a default value that the server's JSON leaves out.
    expect(epoch).not.toHaveProperty('prevEpochPosition');
  });

  test('stopping the leader: during the election followers still point at it; then the first other voter leads', async () => {
    const { cluster: running, clients: via } = await adopt({ electionDelayMs: 1500, forwardTimeoutMs: 200 });
    const [oldLeader, first] = running.nodes;
    if (oldLeader === undefined || first === undefined) throw new Error('missing nodes');
    await oldLeader.stop();
    const members = await via.gossip(1);
    expect(memberAt(members, oldLeader.host, oldLeader.port)).toMatchObject({
      isAlive: false,
      state: VNodeState.Leader,
    });
    // A follower still follows the dead leader: requires-leader names it, a forwarded write is lost and times out.
    const redirected = await failure((onTrailer) =>
      append(via.streams(1), uniqueStream(), 1, { metadata: leaderRequired(), onTrailer }),
    );
    expect(redirected.trailer['leader-endpoint-host']).toBe(oldLeader.host);
    const lost = await failure(() => append(via.streams(1), uniqueStream(), 1));
    expect(lost.error.code).toBe(Status.ABORTED);
    expect(lost.error.details).toBe('Operation timed out: Forwarding timeout');
    // BatchAppend reports the lost forward in-band as a Timeout (Streams.BatchAppend.cs, `ForwardTimeout`).
    const [timedOut] = await batchAppend(via.streams(1), [batch(uniqueStream())]);
    expect(timedOut?.result?.$case === 'error' && timedOut.result.value.message).toBe('Timeout');

    await running.stable();
    expect(running.leader?.index).toBe(1);
    const elected = await via.gossip(2);
    expect(memberAt(elected, first.host, first.port).state).toBe(VNodeState.Leader);
    // An election sets every other member to Unknown in the gossip; the dead one stays so (GossipServiceBase.cs).
    expect(memberAt(elected, oldLeader.host, oldLeader.port)).toMatchObject({
      isAlive: false,
      state: VNodeState.Unknown,
    });
    const stream = uniqueStream();
    expect((await append(via.streams(2), stream, 1)).result?.$case).toBe('success');
  });

  test('a leader stopped and restarted at once, before the election: the cluster settles with one leader', async () => {
    // The election ends after the followers went back to PreReplica (500 ms after losing their leader).
    const { cluster: running, clients: via } = await adopt({ electionDelayMs: 800 });
    const [oldLeader] = running.nodes;
    if (oldLeader === undefined) throw new Error('missing nodes');
    await oldLeader.stop();
    await oldLeader.restart();
    await running.stable();
    const members = await via.gossip(1);
    expect(members.filter((member) => member.state === VNodeState.Leader)).toHaveLength(1);
    expect(members.filter((member) => member.state === VNodeState.Follower)).toHaveLength(2);
    expect((await append(via.streams(1), uniqueStream(), 1)).result?.$case).toBe('success');
  });

  test('a leader without a majority retires to Unknown; a returning node brings an election', async () => {
    const { cluster: running, clients: via } = await adopt({ electionDelayMs: 200 });
    const [leader, second, third] = running.nodes;
    if (leader === undefined || second === undefined || third === undefined) throw new Error('missing nodes');
    await second.stop();
    await third.stop();
    await sleep(400);
    expect(leader.state).toBe(VNodeState.Unknown);
    const refused = await failure(() => append(via.streams(0), uniqueStream(), 1));
    expect(refused.error.code).toBe(Status.UNAVAILABLE);
    await second.restart();
    await running.stable();
    expect(running.leader).toBeDefined();
  });

  test('a persistent subscription on the leader is dropped when it resigns; the new leader serves the group', async () => {
    const { cluster: running, clients: via } = await adopt({ electionDelayMs: 200 });
    const stream = uniqueStream();
    const group = `group-${crypto.randomUUID()}`;
    await via.persistent(0).create(streamCreate(stream, group, { $case: 'start' }));
    const consumer = await connectConsumer(via.persistent(0), stream, group);
    await running.forceLeaderChange(1);
    const end = await consumer.ended;
    expect(end.kind).toBe('error');
    if (end.kind !== 'error') return;
    expect(end.error.code).toBe(Status.CANCELLED);
    expect(end.trailer.exception).toBe('persistent-subscription-dropped');
    await append(via.streams(1), stream, 1);
    const again = await connectConsumer(via.persistent(1), stream, group);
    await again.waitForMessages(2);
    expect(again.events).toHaveLength(1);
    again.cancel();
  });
});

describe('a secure cluster', () => {
  let cluster: RunningEmulatorCluster;

  beforeAll(async () => {
    cluster = await startEmulatorCluster({ secure: true });
  }, 60_000);

  afterAll(async () => {
    await cluster.stop();
  });

  test('each node presents its own certificate for its address, issued by the one CA', async () => {
    expect(cluster.uri).toMatch(
      /^esdb:\/\/admin:changeit@127\.0\.0\.1:\d+,127\.0\.0\.2:\d+,127\.0\.0\.3:\d+\?tls=true&tlsCAFile=/,
    );
    const ca = cluster.serverCert ?? '';
    const certificates = await Promise.all(
      cluster.nodes.map(
        (node) =>
          new Promise<PeerCertificate>((resolve, reject) => {
            const socket = tlsConnect(
              { host: node.host, port: node.port, servername: '', ca, ALPNProtocols: ['h2'] },
              () => {
                resolve(socket.getPeerCertificate());
                socket.end();
              },
            );
            socket.once('error', reject);
          }),
      ),
    );
    cluster.nodes.forEach((node, index) => {
      expect(certificates[index]?.subjectaltname).toContain(`IP Address:${node.host}`);
    });
    expect(new Set(certificates.map((certificate) => certificate.fingerprint256)).size).toBe(3);
    const clients = new Clients(cluster, ChannelCredentials.createSsl(Buffer.from(ca)));
    try {
      const views = await Promise.all([0, 1, 2].map((index) => clients.gossip(index)));
      for (const view of views) expect(withoutTimeStamps(view)).toEqual(withoutTimeStamps(views[0] ?? []));
    } finally {
      clients.close();
    }
  });
});

test('--cluster-size 3 prints the nodes and an all-seeds connection string, and serves gossip on each', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/emulator/cli.ts', '--cluster-size', '3', '--port', '0'],
    {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 20_000;
    let match: RegExpExecArray | null = null;
    while ((match = /Connection string: (\S+)/.exec(output)) === null) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no connection string: ${output}`);
      await sleep(50);
    }
    const uri = match[1] ?? '';
    const seeds = /^esdb:\/\/([^?]+)\?tls=false$/.exec(uri)?.[1]?.split(',') ?? [];
    expect(seeds.map((seed) => seed.split(':')[0])).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    const channel = createChannel(seeds[2] ?? '');
    const members = await createClient(GossipDefinition, channel).read({});
    channel.close();
    expect(members.members.map((member) => member.state).sort()).toEqual(
      [VNodeState.Follower, VNodeState.Follower, VNodeState.Leader].sort(),
    );
  } finally {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
});
