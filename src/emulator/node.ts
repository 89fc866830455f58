import { type NodeRole, standaloneRole } from './cluster/node-role.js';
import type { Endpoint } from './endpoint.js';
import type { EventStore } from './store/event-store.js';

/**
 * The server version the emulator reports (ServerFeatures, §3.16). It behaves like the 24.10 LTS line:
 * `caught_up` without fields, 1 MiB appends, `uuid_option` required on reads.
 */
export const EMULATED_SERVER_VERSION = '24.10.0';

/** `MaxAppendSize` of servers up to 25.0: 1 MiB for the total of one append (§3.18). */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

/** Everything the service handlers of one emulated node share. */
export class EmulatorNode {
  private advertised: Endpoint | undefined;

  /**
   * The node's place in its cluster: what it answers for leader-only requests and in gossip. A node started
   * on its own is the leader of a cluster of one; a cluster member's role is set by the cluster.
   */
  role: NodeRole = standaloneRole(this);

  /** `instanceId` is structured in gossip and fixed for the node's life (§3.15). */
  constructor(
    readonly store: EventStore,
    readonly maxAppendSize: number,
    readonly instanceId: string,
  ) {}

  /** Known once the server listens; gossip reads it at call time. */
  get endpoint(): Endpoint {
    if (this.advertised === undefined) throw new Error('the emulator is not listening yet');
    return this.advertised;
  }

  set endpoint(endpoint: Endpoint) {
    this.advertised = endpoint;
  }
}
