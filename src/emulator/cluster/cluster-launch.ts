import { EmulatorNode } from '../node.js';
import type { ProjectionOptions } from '../projections/projection-options.js';
import { serveNode } from '../server/node-server.js';
import type { EventStore } from '../store/event-store.js';
import type { ClusterCertificates } from '../tls/certificates.js';
import type { ClusterMember } from './cluster-member.js';
import { LeaderOnlyProjections } from './projections-on-leader.js';

/** Attempts at finding a port that is free on every address. */
const PORT_ATTEMPTS = 20;

/** Starts a new node for `member` on `port` (0 picks one), and records the node and its address in it. */
export type NodeLauncher = (member: ClusterMember, port: number) => Promise<void>;

/** What every node of one cluster is started with. */
export interface LaunchSettings {
  readonly store: EventStore;
  readonly maxAppendSize: number;
  readonly secure: boolean;
  /** Secure mode: each node's certificate, by member index. */
  readonly certificates: ClusterCertificates | undefined;
  /** Which projections the leader runs; with `none` no node serves the Projections service. */
  readonly projections: ProjectionOptions;
}

/**
 * The launcher of one cluster's nodes: each runs over the shared store with the member as its role, and with a
 * projection subsystem of its own when the cluster runs projections, which the controller starts while it leads.
 */
export function nodeLauncher(settings: LaunchSettings): NodeLauncher {
  const runsProjections = (settings.projections.runProjections ?? 'none') !== 'none';
  return async (member, port) => {
    const node = new EmulatorNode(settings.store, settings.maxAppendSize, member.instanceId);
    node.role = member;
    const identity = settings.certificates?.nodes[member.index];
    const projections = runsProjections
      ? new LeaderOnlyProjections(settings.store, settings.projections)
      : undefined;
    const server = await serveNode(node, {
      host: member.endpoint.host,
      port,
      secure: settings.secure,
      tls: identity === undefined ? undefined : { key: identity.nodeKey, cert: identity.nodeCert },
      projections,
    });
    member.node = node;
    member.server = server;
    member.projections = projections;
    member.endpoint = { host: member.endpoint.host, port: server.port };
  };
}

/**
 * Starts every member's server. On shared loopback addresses the first node picks the port (unless one was
 * given) and the others take the same one; when that port is taken on another address, all start again on a
 * new one. On 127.0.0.1 alone, each node gets its own port (`port + index` when a port was given).
 */
export async function launchAll(
  members: readonly ClusterMember[],
  launch: NodeLauncher,
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
          member.projections = undefined;
          await server?.close();
        }),
      );
      const inUse = (error as { code?: unknown } | null)?.code === 'EADDRINUSE';
      if (port !== 0 || !inUse || attempt >= PORT_ATTEMPTS) throw error;
      for (const member of members) member.endpoint = { host: member.endpoint.host, port: 0 };
    }
  }
}
