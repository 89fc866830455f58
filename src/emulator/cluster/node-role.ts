import { type MemberInfo, MemberInfo_VNodeState } from '../../generated/gossip.js';
import type { Endpoint } from '../endpoint.js';
import { textToStructuredUuid } from '../wire/uuid.js';

/**
 * What becomes of a write a non-leader forwards to the leader it knows (ClusterVNodeController.cs,
 * `ForwardRequest`): the leader writes it, the receiving node is not ready for writes, or the message is lost
 * (the node is gone) and the forwarding proxy times out.
 */
export type ForwardedWrite = 'written' | 'not-ready' | 'lost';

/**
 * How long a forwarded write waits for its answer before it fails: PrepareTimeoutMs + CommitTimeoutMs + 300
 * (ClusterVNodeController.cs `_forwardingTimeout`), both timeouts 2000 ms by default (ClusterVNodeOptions.cs).
 */
export const DEFAULT_FORWARD_TIMEOUT_MS = 2000 + 2000 + 300;

/**
 * A node's place in its cluster, as the server's node controller and gossip service see it: its state, the
 * leader it follows, where its forwarded writes end up, and the member list its gossip answers.
 */
export interface NodeRole {
  /** The node's VNodeState (§2.6). */
  readonly state: MemberInfo_VNodeState;
  /** The address of the leader this node follows (the controller's `_leader`); undefined when it knows none. */
  readonly leader: Endpoint | undefined;
  /** What happens, right now, to an ordinary write this node forwards to its leader. */
  forwardedWrite(): ForwardedWrite;
  /** Milliseconds a forwarded write that got lost waits before it times out. */
  readonly forwardTimeoutMs: number;
  /** `Gossip.Read`'s members (§3.15). */
  gossip(): MemberInfo[];
}

/** What a node started on its own shows of itself in gossip. */
export interface StandaloneNode {
  /** Read at call time: it is known once the node listens. */
  readonly endpoint: Endpoint;
  readonly instanceId: string;
}

/**
 * A single node: the leader of a cluster of one, whose gossip lists just itself, alive, with the address clients
 * dial and its time stamp in 100-ns ticks since the Unix epoch (§3.15; Gossip.Read.cs).
 */
export function standaloneRole(node: StandaloneNode): NodeRole {
  return {
    state: MemberInfo_VNodeState.Leader,
    get leader(): Endpoint {
      return node.endpoint;
    },
    forwardedWrite: () => 'written',
    forwardTimeoutMs: DEFAULT_FORWARD_TIMEOUT_MS,
    gossip: () => {
      const { host, port } = node.endpoint;
      return [
        {
          instanceId: textToStructuredUuid(node.instanceId),
          timeStamp: BigInt(Date.now()) * 10_000n,
          state: MemberInfo_VNodeState.Leader,
          isAlive: true,
          httpEndPoint: { address: host, port },
        },
      ];
    },
  };
}
