import type { MemberInfo_VNodeState as VNodeState } from '../../generated/gossip.js';
import type { ProjectionOptions } from '../projections/projection-options.js';

/**
 * How to start an emulated cluster. Every option has a default suited to tests. `runProjections` and
 * `startStandardProjections` are the nodes' projection options: every node serves the Projections service, and
 * the projections run on the leader alone, moving to the new leader when it changes.
 */
export interface EmulatorClusterOptions extends ProjectionOptions {
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
  /**
   * Cuts its open client connections at once, as a network failure does; it keeps running, listening and
   * leading or following. Nothing happens to a stopped node.
   */
  dropConnections(): void;
  /**
   * It hangs towards clients: connections stay open but nothing is read or answered until {@link resume}. The
   * cluster still sees it alive (its gossip entry and role do not change).
   */
  freeze(): void;
  /** Ends {@link freeze}. */
  resume(): void;
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
