import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemberInfo_VNodeState as VNodeState } from '../../generated/gossip.js';
import { DEFAULT_MAX_APPEND_SIZE, EmulatorNode } from '../node.js';
import { createStore } from '../server/create-store.js';
import { serveNode } from '../server/node-server.js';
import { type ClusterCertificates, generateClusterCertificatesAsync } from '../tls/certificates.js';
import { ClusterController } from './cluster-controller.js';
import { ClusterMember } from './cluster-member.js';
import { loopbackAddresses } from './loopback-addresses.js';
import { DEFAULT_FORWARD_TIMEOUT_MS } from './node-role.js';

/** How to start an emulated cluster. Every option has a default suited to tests. */
export interface EmulatorClusterOptions {
  /** Voting nodes (the server's cluster size). Default 3. */
  readonly nodes?: number;
  /** One more node, a read-only replica: it never votes nor leads, and refuses client writes. Default false. */
  readonly readOnlyReplica?: boolean;
  /** TLS with one CA and a certificate per node, and Basic authentication; or cleartext HTTP/2. Default false. */
  readonly secure?: boolean;
  /** The port every node listens on (each on its own loopback address); 0 picks a free one. Default 0. */
  readonly port?: number;
  /** From losing or deposing the leader to the end of the election. Default 500 ms. */
  readonly electionDelayMs?: number;
  /**
   * How long an ordinary write a follower forwards to a leader that is gone waits before it fails with ABORTED
   * `Operation timed out: Forwarding timeout`. Default 4300 ms, the server's (PrepareTimeoutMs + CommitTimeoutMs
   * + 300).
   */
  readonly forwardTimeoutMs?: number;
  /** `MaxAppendSize` in bytes. Default 1 MiB, as servers up to 25.0 (§3.18). */
  readonly maxAppendSize?: number;
}

/** One node of a running emulated cluster. */
export interface EmulatedClusterNode {
  /** Its position in {@link RunningEmulatorCluster.nodes}; the read-only replica comes last. */
  readonly index: number;
  readonly host: string;
  readonly port: number;
  readonly readOnlyReplica: boolean;
  /** Its state (§2.6), as the cluster's gossip shows it. */
  readonly state: VNodeState;
  /** Whether it runs: its port is open and gossip shows it alive. */
  readonly isAlive: boolean;
  /** Its current instance id; a restarted node has a new one, as a restarted server process does. */
  readonly instanceId: string;
  /** A connection string for this node alone. */
  readonly uri: string;
  /** Closes its port (clients see UNAVAILABLE); gossip shows it dead; losing the leader starts an election. */
  stop(): Promise<void>;
  /** Starts it again on the same address and port; it joins the leader as a follower. */
  restart(): Promise<void>;
}

/** A running emulated cluster: several nodes over one shared log. */
export interface RunningEmulatorCluster {
  /** A connection string naming every node as a seed, in the official clients' format. */
  readonly uri: string;
  readonly nodes: readonly EmulatedClusterNode[];
  /** The alive node in state Leader, if there is one now. */
  readonly leader: EmulatedClusterNode | undefined;
  /** PEM of the CA every node certificate is issued by (secure mode only). */
  readonly serverCert: string | undefined;
  /** A file holding {@link serverCert}, for `tlsCAFile` (secure mode only). */
  readonly caCertPath: string | undefined;
  /**
   * Makes another node leader: the leader resigns at once, and after the election delay `newLeaderIndex` (by
   * default the first other alive voter) is elected. Resolves with the new leader once it leads.
   */
  forceLeaderChange(newLeaderIndex?: number): Promise<EmulatedClusterNode>;
  /** Resolves once a leader leads and every alive node is a follower or read-only replica of it. */
  stable(): Promise<void>;
  /** Stops every node. */
  stop(): Promise<void>;
}

/** Attempts at finding a port that is free on every address. */
const PORT_ATTEMPTS = 20;

const certificatesByHosts = new Map<string, Promise<ClusterCertificates>>();

/** RSA keys take a while: clusters of one process on the same addresses share their certificates. */
function sharedCertificates(hosts: readonly string[]): Promise<ClusterCertificates> {
  const key = hosts.join(',');
  let certificates = certificatesByHosts.get(key);
  if (certificates === undefined) {
    certificates = generateClusterCertificatesAsync(hosts.map((host) => [host]));
    certificatesByHosts.set(key, certificates);
  }
  return certificates;
}

/**
 * Starts an emulated cluster in this process (issue 5): `nodes` voting nodes and an optional read-only replica
 * on 127.0.0.1, 127.0.0.2, … sharing one port, or on 127.0.0.1 with one port each where the other loopback
 * addresses cannot be used. All nodes share one log, which stands for replication: a write through any node is
 * in every node's reads at once. Node 0 leads at the start; the others follow it.
 */
export async function startEmulatorCluster(
  options: EmulatorClusterOptions = {},
): Promise<RunningEmulatorCluster> {
  const voters = options.nodes ?? 3;
  if (!Number.isInteger(voters) || voters < 1) throw new RangeError(`bad cluster size: ${voters}`);
  const total = voters + (options.readOnlyReplica === true ? 1 : 0);
  const secure = options.secure ?? false;
  const electionDelayMs = options.electionDelayMs ?? 500;
  const timings = {
    electionDelayMs,
    stepMs: Math.min(25, electionDelayMs),
    forwardTimeoutMs: options.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS,
  };

  const aliases = await loopbackAddresses(total);
  const hosts = aliases ?? Array.from({ length: total }, () => '127.0.0.1');
  const certificates = secure ? await sharedCertificates(hosts) : undefined;

  // The first leader wrote the log's first epoch (startup-records.ts), so it names node 0.
  const firstLeaderId = randomUUID();
  const opened = createStore({ secure, instanceId: firstLeaderId });
  const store = opened.store;
  const members: ClusterMember[] = [];
  const controller = new ClusterController(members, store, timings);
  hosts.forEach((host, index) => {
    members.push(new ClusterMember(index, { host, port: 0 }, index >= voters, controller));
  });
  const [first] = members;
  if (first === undefined) throw new RangeError('a cluster needs a node');
  first.instanceId = firstLeaderId;

  const launch = async (member: ClusterMember, port: number): Promise<void> => {
    const node = new EmulatorNode(store, options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE, member.instanceId);
    node.role = member;
    const identity = certificates?.nodes[member.index];
    const server = await serveNode(node, {
      host: member.endpoint.host,
      port,
      secure,
      tls: identity === undefined ? undefined : { key: identity.nodeKey, cert: identity.nodeCert },
    });
    member.node = node;
    member.server = server;
    member.endpoint = { host: member.endpoint.host, port: server.port };
  };

  try {
    await launchAll(members, launch, aliases !== undefined, options.port ?? 0);
  } catch (error: unknown) {
    controller.close();
    opened.close();
    throw error;
  }
  for (const member of members) member.alive = true;
  controller.formed();

  let caDir: string | undefined;
  let caCertPath: string | undefined;
  if (certificates !== undefined) {
    caDir = mkdtempSync(join(tmpdir(), 'esdbclient-cluster-'));
    caCertPath = join(caDir, 'ca.crt');
    writeFileSync(caCertPath, certificates.caCert);
  }
  const connectionString = (nodes: readonly ClusterMember[]): string => {
    const seeds = nodes.map((member) => `${member.endpoint.host}:${member.endpoint.port}`).join(',');
    return caCertPath === undefined
      ? `esdb://${seeds}?tls=false`
      : `esdb://admin:changeit@${seeds}?tls=true&tlsCAFile=${caCertPath}`;
  };

  let stopped = false;
  const stopMember = async (member: ClusterMember): Promise<void> => {
    if (!member.alive) return;
    controller.stopped(member);
    const server = member.server;
    member.server = undefined;
    await server?.close();
  };
  const restartMember = async (member: ClusterMember): Promise<void> => {
    if (stopped) throw new Error('the cluster is stopped');
    if (member.alive) return;
    member.instanceId = randomUUID();
    await launch(member, member.endpoint.port);
    controller.restarted(member);
  };

  const handles: EmulatedClusterNode[] = members.map((member) => ({
    index: member.index,
    readOnlyReplica: member.readOnlyReplica,
    get host() {
      return member.endpoint.host;
    },
    get port() {
      return member.endpoint.port;
    },
    get state() {
      return member.state;
    },
    get isAlive() {
      return member.alive;
    },
    get instanceId() {
      return member.instanceId;
    },
    get uri() {
      return connectionString([member]);
    },
    stop: () => stopMember(member),
    restart: () => restartMember(member),
  }));
  const handleOf = (member: ClusterMember): EmulatedClusterNode => {
    const handle = handles[member.index];
    if (handle === undefined) throw new Error(`no node ${member.index}`);
    return handle;
  };

  return {
    uri: connectionString(members),
    nodes: handles,
    get leader() {
      const leader = controller.leader();
      return leader === undefined ? undefined : handleOf(leader);
    },
    serverCert: certificates?.caCert,
    caCertPath,
    forceLeaderChange: async (newLeaderIndex) => {
      const old = controller.leader();
      const target =
        newLeaderIndex === undefined
          ? members.find((member) => member.alive && !member.readOnlyReplica && member !== old)
          : members[newLeaderIndex];
      if (target === undefined) throw new RangeError(`no node can take over from the leader`);
      controller.resignLeader(target);
      await controller.waitFor(() =>
        target.alive ? target.state === VNodeState.Leader : new Error(`node ${target.index} stopped`),
      );
      return handleOf(target);
    },
    stable: () =>
      controller.waitFor(() => {
        const leader = controller.leader();
        if (leader === undefined) return false;
        return members.every(
          (member) =>
            !member.alive ||
            member === leader ||
            (member.leaderMember === leader &&
              (member.state === VNodeState.Follower || member.state === VNodeState.ReadOnlyReplica)),
        );
      }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      controller.close();
      await Promise.all(
        members.map(async (member) => {
          member.alive = false;
          const server = member.server;
          member.server = undefined;
          await server?.close();
        }),
      );
      opened.close();
      if (caDir !== undefined) rmSync(caDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts every member's server. On shared loopback addresses the first node picks the port (unless one was
 * given) and the others take the same one; when that port is taken on another address, all start again on a
 * new one. On 127.0.0.1 alone, each node gets its own port (`port + index` when a port was given).
 */
async function launchAll(
  members: readonly ClusterMember[],
  launch: (member: ClusterMember, port: number) => Promise<void>,
  sharedPort: boolean,
  port: number,
): Promise<void> {
  if (!sharedPort) {
    for (const member of members) await launch(member, port === 0 ? 0 : port + member.index);
    return;
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      for (const member of members)
        await launch(member, port === 0 ? (members[0]?.endpoint.port ?? 0) : port);
      return;
    } catch (error: unknown) {
      await Promise.all(
        members.map(async (member) => {
          const server = member.server;
          member.server = undefined;
          member.node = undefined;
          await server?.close();
        }),
      );
      const inUse = (error as { code?: unknown } | null)?.code === 'EADDRINUSE';
      if (port !== 0 || !inUse || attempt >= PORT_ATTEMPTS) throw error;
      for (const member of members) member.endpoint = { host: member.endpoint.host, port: 0 };
    }
  }
}
