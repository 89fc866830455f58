import { randomUUID } from 'node:crypto';
import { type MemberInfo, MemberInfo_VNodeState as VNodeState } from '../../generated/gossip.js';
import type { Endpoint } from '../endpoint.js';
import type { EmulatorNode } from '../node.js';
import type { NodeServer } from '../server/node-server.js';
import { admitStreamWrite } from './admission.js';
import type { ForwardedWrite, NodeRole } from './node-role.js';
import type { LeaderOnlyProjections } from './projections-on-leader.js';

/** What a member needs from the cluster it belongs to. */
export interface Membership {
  readonly forwardTimeoutMs: number;
  gossip(): MemberInfo[];
}

/** Now, in the gossip's unit: 100-ns ticks since the Unix epoch (§3.15). */
export function nowTicks(): bigint {
  return BigInt(Date.now()) * 10_000n;
}

/**
 * One node of an emulated cluster, across restarts: its address, its state and the leader it follows (the
 * server's node controller), its gossip entry (alive, time stamp, instance id), and the node that currently runs
 * at its address. It is the role every incarnation of the node answers with.
 */
export class ClusterMember implements NodeRole {
  state: VNodeState = VNodeState.Initializing;
  /** The member this one follows (the controller's `_leader`). */
  leaderMember: ClusterMember | undefined;
  /** Running: its port is open and its gossip entry says alive. */
  alive = false;
  /** When its gossip entry last changed: its own gossip rounds, or when it was found dead. */
  timeStamp: bigint = nowTicks();
  /** A new one on every start, as a server process generates it (ClusterVNode.cs). */
  instanceId: string = randomUUID();
  /** Bumped whenever something new happens to the member; state changes planned before are then dropped. */
  correlation = 0;
  /** The node running at this address now, and its server. */
  node: EmulatorNode | undefined;
  server: NodeServer | undefined;
  /** The running node's projection subsystem, when the cluster runs projections. */
  projections: LeaderOnlyProjections | undefined;

  constructor(
    readonly index: number,
    public endpoint: Endpoint,
    readonly readOnlyReplica: boolean,
    private readonly membership: Membership,
  ) {}

  get leader(): Endpoint | undefined {
    return this.leaderMember?.endpoint;
  }

  get forwardTimeoutMs(): number {
    return this.membership.forwardTimeoutMs;
  }

  gossip(): MemberInfo[] {
    return this.membership.gossip();
  }

  /**
   * Where a write this member forwards ends up: the node it follows handles the forwarded write as a write
   * without `requires-leader` (ClusterVNodeController.cs): a leader writes it, a replica forwards it again, any
   * other state refuses it as not ready. A write sent to a node that is gone, or round in a circle, is lost and
   * times out.
   */
  forwardedWrite(): ForwardedWrite {
    const visited = new Set<ClusterMember>([this]);
    let target = this.leaderMember;
    while (target !== undefined && target.alive && !visited.has(target)) {
      const admission = admitStreamWrite(
        { state: target.state, leader: target.leader, self: target.endpoint },
        false,
      );
      if (admission.kind === 'serve') return 'written';
      if (admission.kind !== 'forward') return 'not-ready';
      visited.add(target);
      target = target.leaderMember;
    }
    return 'lost';
  }
}
