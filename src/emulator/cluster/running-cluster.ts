import { randomUUID } from 'node:crypto';
import { MemberInfo_VNodeState as VNodeState } from '../../generated/gossip.js';
import type { ClusterController } from './cluster-controller.js';
import type { NodeLauncher } from './cluster-launch.js';
import type { ClusterMember } from './cluster-member.js';
import type { EmulatedClusterNode, RunningEmulatorCluster } from './emulator-cluster-api.js';

/** What a started cluster is made of. */
export interface ClusterParts {
  readonly members: readonly ClusterMember[];
  readonly controller: ClusterController;
  readonly launch: NodeLauncher;
  /** Secure mode: the CA's PEM and the file that holds it. */
  readonly caCert: string | undefined;
  readonly caCertPath: string | undefined;
  /** Runs once every node has stopped: closes the store and removes the CA file. */
  readonly release: () => void;
}

/** The handle of a started cluster: its nodes and the fault controls tests drive (stop, restart, new leader). */
export function runningCluster(parts: ClusterParts): RunningEmulatorCluster {
  const cluster = new EmulatedCluster(parts);
  return {
    uri: cluster.connectionString(parts.members),
    nodes: cluster.nodes,
    get leader() {
      const leader = parts.controller.leader();
      return leader === undefined ? undefined : cluster.handleOf(leader);
    },
    serverCert: parts.caCert,
    caCertPath: parts.caCertPath,
    forceLeaderChange: (newLeaderIndex) => cluster.forceLeaderChange(newLeaderIndex),
    stable: () => cluster.stable(),
    stop: () => cluster.stop(),
  };
}

class EmulatedCluster {
  readonly nodes: readonly EmulatedClusterNode[];
  private stopped = false;

  constructor(private readonly parts: ClusterParts) {
    this.nodes = parts.members.map((member) => this.nodeHandle(member));
  }

  /** A connection string naming `nodes` as seeds, with the CA file and the default admin in secure mode. */
  connectionString(nodes: readonly ClusterMember[]): string {
    const seeds = nodes.map((member) => `${member.endpoint.host}:${member.endpoint.port}`).join(',');
    return this.parts.caCertPath === undefined
      ? `esdb://${seeds}?tls=false`
      : `esdb://admin:changeit@${seeds}?tls=true&tlsCAFile=${this.parts.caCertPath}`;
  }

  handleOf(member: ClusterMember): EmulatedClusterNode {
    const handle = this.nodes[member.index];
    if (handle === undefined) throw new Error(`no node ${member.index}`);
    return handle;
  }

  async forceLeaderChange(newLeaderIndex: number | undefined): Promise<EmulatedClusterNode> {
    const { controller, members } = this.parts;
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
    return this.handleOf(target);
  }

  stable(): Promise<void> {
    const { controller, members } = this.parts;
    return controller.waitFor(() => {
      const leader = controller.leader();
      if (leader === undefined) return false;
      return members.every(
        (member) =>
          !member.alive ||
          member === leader ||
          (member.leaderMember === leader &&
            (member.state === VNodeState.Follower || member.state === VNodeState.ReadOnlyReplica)),
      );
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.parts.controller.close();
    await Promise.all(
      this.parts.members.map(async (member) => {
        member.alive = false;
        await halt(member);
      }),
    );
    this.parts.release();
  }

  private nodeHandle(member: ClusterMember): EmulatedClusterNode {
    const connectionString = (nodes: readonly ClusterMember[]): string => this.connectionString(nodes);
    return {
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
      stop: () => this.stopMember(member),
      restart: () => this.restartMember(member),
      dropConnections: () => {
        member.server?.dropConnections();
      },
      freeze: () => {
        member.server?.freeze();
      },
      resume: () => {
        member.server?.resume();
      },
    };
  }

  private async stopMember(member: ClusterMember): Promise<void> {
    if (!member.alive) return;
    this.parts.controller.stopped(member);
    await halt(member);
  }

  private async restartMember(member: ClusterMember): Promise<void> {
    if (this.stopped) throw new Error('the cluster is stopped');
    if (member.alive) return;
    member.instanceId = randomUUID();
    await this.parts.launch(member, member.endpoint.port);
    this.parts.controller.restarted(member);
  }
}

/** Stops the node running for `member`: its port closes, then its projections stop, as a single node halts. */
async function halt(member: ClusterMember): Promise<void> {
  const server = member.server;
  const projections = member.projections;
  member.server = undefined;
  member.projections = undefined;
  await server?.close();
  projections?.stop();
}
