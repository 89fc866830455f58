import { type MemberInfo, MemberInfo_VNodeState as VNodeState } from '../../generated/gossip.js';
import { persistentSubscriptionsOf } from '../persistent/registry-of-node.js';
import type { EventStore } from '../store/event-store.js';
import { type ClusterMember, type Membership, nowTicks } from './cluster-member.js';
import { aliveLeaderOf, aliveVotersOf, Elections } from './elections.js';
import { gossipMembers, startGossipRounds } from './gossip-view.js';
import { MemberTransitions } from './member-transitions.js';

/** How fast the emulated cluster moves. */
export interface ClusterTimings {
  /** From losing the leader (or a resignation, or regaining a majority) to the end of the election. */
  readonly electionDelayMs: number;
  /** Between the steps a node takes after an election (pre-leader to leader, pre-replica to follower). */
  readonly stepMs: number;
  /** How long a write forwarded to a node that is gone waits before it times out. */
  readonly forwardTimeoutMs: number;
}

/**
 * How long a replica waits after losing its leader's connection before it goes back to pre-replica to reconnect
 * (ClusterVNodeController.cs `LeaderReconnectionDelay`).
 */
const LEADER_RECONNECTION_DELAY_MS = 500;

/** The states of a node that leads or is becoming or ceasing to be the leader. */
const LEADING_STATES: ReadonlySet<VNodeState> = new Set([
  VNodeState.Leader,
  VNodeState.PreLeader,
  VNodeState.ResigningLeader,
]);

/**
 * The cluster's node controllers and gossip, modelled in one place over one shared log. Members move through
 * the states the server's node controller moves them through (ClusterVNodeController.cs):
 * - a leader that resigns goes ResigningLeader, then Unknown once its queue drained;
 * - when an election ends, the new leader leads and the other voters follow it (elections.ts);
 * - a replica that loses its leader's connection goes back to PreReplica after 500 ms while the election runs;
 * - a read-only replica whose leader stops being an alive leader goes ReadOnlyLeaderless, and PreReadOnlyReplica
 *   then ReadOnlyReplica once there is one;
 * - a node that starts goes DiscoverLeader, then joins the leader it finds, or takes part in an election.
 *
 * The gossip view is shared: every node answers with the same members. Alive members show their own states; a
 * dead one shows the state it had until an election ends.
 */
export class ClusterController implements Membership {
  private readonly transitions: MemberTransitions;
  private readonly elections: Elections;
  private readonly stopGossipRounds: () => void;

  constructor(
    readonly members: readonly ClusterMember[],
    store: EventStore,
    private readonly timings: ClusterTimings,
  ) {
    this.transitions = new MemberTransitions(timings.stepMs, (member, wasLeader) => {
      this.leadershipChanged(member, wasLeader);
    });
    this.elections = new Elections(members, store, this.transitions, timings.electionDelayMs);
    this.stopGossipRounds = startGossipRounds(members);
  }

  get forwardTimeoutMs(): number {
    return this.timings.forwardTimeoutMs;
  }

  gossip(): MemberInfo[] {
    return gossipMembers(this.members);
  }

  /** The alive member in state Leader, if any. */
  leader(): ClusterMember | undefined {
    return aliveLeaderOf(this.members);
  }

  /** The cluster as it starts: the first voter leads, the other voters follow it, a read-only replica too. */
  formed(): void {
    const [leader] = aliveVotersOf(this.members);
    if (leader === undefined) throw new Error('a cluster needs at least one voting node');
    for (const member of this.members) {
      if (!member.alive) continue;
      const state =
        member === leader
          ? VNodeState.Leader
          : member.readOnlyReplica
            ? VNodeState.ReadOnlyReplica
            : VNodeState.Follower;
      this.transitions.changeNow(member, state, leader);
    }
  }

  /** Calls `listener` after every change of a member's state or liveness; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    return this.transitions.onChange(listener);
  }

  /**
   * A member's node stopped: its gossip entry is marked dead and keeps its state (GossipServiceBase.cs,
   * `Updated(isAlive: false)`). Losing a leading node starts an election; losing a voter may leave the leader
   * without a majority.
   */
  stopped(member: ClusterMember): void {
    if (!member.alive) return;
    const wasLeading = LEADING_STATES.has(member.state);
    member.correlation += 1;
    member.alive = false;
    member.timeStamp = nowTicks();
    this.transitions.changed();
    if (wasLeading) this.leaderLost(member);
    else this.elections.checkQuorum();
  }

  /**
   * A member's node started again (with a new instance id): DiscoverLeader, then PreReplica, CatchingUp and
   * Follower behind the leader it finds; with no leader, it waits for an election. A read-only replica starts
   * ReadOnlyLeaderless (ClusterVNodeController.cs, `Handle(SystemStart)`).
   */
  restarted(member: ClusterMember): void {
    member.alive = true;
    const leader = this.leader();
    if (member.readOnlyReplica) {
      this.transitions.changeNow(member, VNodeState.ReadOnlyLeaderless, undefined);
      if (leader !== undefined) this.joinAsReadOnlyReplica(member, leader);
      return;
    }
    this.transitions.changeNow(member, VNodeState.DiscoverLeader, undefined);
    if (leader !== undefined) {
      this.transitions.plan(member, [
        { state: VNodeState.PreReplica, leader },
        { state: VNodeState.CatchingUp, leader },
        { state: VNodeState.Follower, leader },
      ]);
    } else if (!this.elections.running) {
      this.elections.schedule(undefined);
    }
  }

  /**
   * The leader resigns in favour of `target` (the server's leader resignation): ResigningLeader, then Unknown;
   * the election ends after the election delay with `target` elected.
   */
  resignLeader(target: ClusterMember): void {
    const old = this.leader();
    if (old === undefined) throw new Error('the cluster has no leader to replace');
    if (target === old) throw new Error(`node ${target.index} is the leader already`);
    if (!target.alive || target.readOnlyReplica) {
      throw new Error(`node ${target.index} cannot lead: it is stopped or a read-only replica`);
    }
    this.transitions.changeNow(old, VNodeState.ResigningLeader, old);
    this.transitions.plan(old, [{ state: VNodeState.Unknown, leader: undefined }]);
    this.elections.schedule(target);
  }

  /** Resolves once `condition` holds after some change (or at once); rejects when it returns an Error. */
  waitFor(condition: () => boolean | Error): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const result = condition();
        if (result === false) return false;
        unsubscribe();
        if (result === true) resolve();
        else reject(result);
        return true;
      };
      const unsubscribe = this.onChange(() => {
        check();
      });
      check();
    });
  }

  /** Stops every timer; the members are left as they are. */
  close(): void {
    this.stopGossipRounds();
    this.transitions.close();
    this.elections.forget();
  }

  /**
   * The leading member is gone. Read-only replicas that followed it go leaderless at once; replicas keep
   * following it but go back to PreReplica after the reconnection delay (`Handle(VNodeConnectionLost)`); the
   * gossip shows it dead, which starts an election (`HandleAsNonLeader(GossipUpdated)`).
   */
  private leaderLost(old: ClusterMember): void {
    this.readOnlyReplicasLose(old);
    for (const member of this.members) {
      if (!member.alive || member.leaderMember !== old || member.readOnlyReplica) continue;
      if (member.state === VNodeState.PreReplica) continue;
      this.transitions.plan(
        member,
        [{ state: VNodeState.PreReplica, leader: old }],
        LEADER_RECONNECTION_DELAY_MS,
      );
    }
    this.elections.schedule(undefined);
  }

  /**
   * Runs after every state change. The persistent-subscription subsystem runs on the leader only: it starts
   * (loading the groups from the log) when a node becomes leader and shuts its subscriptions down when the node
   * stops leading (PersistentSubscriptionService.cs, `Handle(BecomeLeader)` and `Handle(StateChangeMessage)`);
   * both are a restart of the emulated subsystem. So does the projection manager (ProjectionsSubsystem.cs,
   * `Handle(StateChangeMessage)`; projections-on-leader.ts). Read-only replicas follow whichever node leads.
   */
  private leadershipChanged(member: ClusterMember, wasLeader: boolean): void {
    const isLeader = member.state === VNodeState.Leader;
    if (member.alive && member.node !== undefined && wasLeader !== isLeader) {
      persistentSubscriptionsOf(member.node).restart();
    }
    if (member.alive) member.projections?.leading(isLeader);
    if (wasLeader && !isLeader) this.readOnlyReplicasLose(member);
    if (isLeader && !wasLeader) {
      for (const replica of this.members) {
        if (replica.alive && replica.readOnlyReplica && replica.leaderMember !== member) {
          this.joinAsReadOnlyReplica(replica, member);
        }
      }
    }
  }

  /** Read-only replicas that followed `old` find no alive leader in the gossip (`HandleAsReadOnlyReplica`). */
  private readOnlyReplicasLose(old: ClusterMember): void {
    for (const member of this.members) {
      if (member.alive && member.readOnlyReplica && member.leaderMember === old) {
        this.transitions.changeNow(member, VNodeState.ReadOnlyLeaderless, undefined);
      }
    }
  }

  /** A leaderless read-only replica that sees exactly one alive leader (`HandleAsReadOnlyLeaderLess`). */
  private joinAsReadOnlyReplica(member: ClusterMember, leader: ClusterMember): void {
    this.transitions.plan(member, [
      { state: VNodeState.PreReadOnlyReplica, leader },
      { state: VNodeState.ReadOnlyReplica, leader },
    ]);
  }
}
