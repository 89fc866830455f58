import { type MemberInfo, MemberInfo_VNodeState as VNodeState } from '../../generated/gossip.js';
import { persistentSubscriptionsOf } from '../persistent/registry-of-node.js';
import type { EventStore } from '../store/event-store.js';
import { type ClusterMember, type Membership, nowTicks } from './cluster-member.js';
import { type Epoch, FIRST_EPOCH, writeEpoch } from './epoch-record.js';
import { gossipMembers } from './gossip-view.js';

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

/** Each node refreshes its own gossip entry's time stamp once per gossip round (ClusterVNodeOptions.cs). */
const GOSSIP_INTERVAL_MS = 2000;

/** The states of a node that leads or is becoming or ceasing to be the leader. */
const LEADING_STATES: ReadonlySet<VNodeState> = new Set([
  VNodeState.Leader,
  VNodeState.PreLeader,
  VNodeState.ResigningLeader,
]);

/** Replica states in which a node keeps following its leader. */
const FOLLOWING_STATES: ReadonlySet<VNodeState> = new Set([
  VNodeState.PreReplica,
  VNodeState.CatchingUp,
  VNodeState.Clone,
  VNodeState.Follower,
]);

/** One state change of a planned sequence. */
interface Step {
  readonly state: VNodeState;
  readonly leader: ClusterMember | undefined;
  /** Runs just before the state changes. */
  readonly before?: () => void;
}

/**
 * The cluster's node controllers, elections and gossip, modelled in one place over one shared log. Members move
 * through the states the server's node controller moves them through (ClusterVNodeController.cs):
 * - a leader that resigns goes ResigningLeader, then Unknown once its queue drained;
 * - when an election ends, the new leader goes PreLeader, writes a new epoch, then Leader; the other voters go
 *   PreReplica, CatchingUp, then Follower; a voter that already followed the elected node stays as it is;
 * - a replica that loses its leader's connection goes back to PreReplica after 500 ms while the election runs;
 * - a read-only replica whose leader stops being an alive leader goes ReadOnlyLeaderless, and PreReadOnlyReplica
 *   then ReadOnlyReplica once there is one;
 * - a node that starts goes DiscoverLeader, then joins the leader it finds, or takes part in an election;
 * - a leader left without a majority of voters retires to Unknown (`NoQuorumMessage`).
 * An election needs a majority of the voters alive (ClusterVNodeOptions.cs `QuorumSize`) and picks the requested
 * node, or else the first alive voter: every node holds the same log, so the server's own order (epoch, log
 * positions, priority) would tie.
 *
 * The gossip view is shared: every node answers with the same members. A dead member keeps the state it had
 * until an election ends, which sets every member but the new leader to Unknown in the gossip
 * (GossipServiceBase.cs, `Handle(ElectionsDone)`); alive members show their own states.
 */
export class ClusterController implements Membership {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listeners = new Set<() => void>();
  private readonly gossipTimer: NodeJS.Timeout;
  private electionTimer: NodeJS.Timeout | undefined;
  private epoch: Epoch = FIRST_EPOCH;

  constructor(
    readonly members: readonly ClusterMember[],
    private readonly store: EventStore,
    private readonly timings: ClusterTimings,
  ) {
    this.gossipTimer = setInterval(() => {
      const now = nowTicks();
      for (const member of this.members) if (member.alive) member.timeStamp = now;
    }, GOSSIP_INTERVAL_MS);
    this.gossipTimer.unref();
  }

  get forwardTimeoutMs(): number {
    return this.timings.forwardTimeoutMs;
  }

  gossip(): MemberInfo[] {
    return gossipMembers(this.members);
  }

  /** The alive member in state Leader, if any. */
  leader(): ClusterMember | undefined {
    return this.members.find((member) => member.alive && member.state === VNodeState.Leader);
  }

  /** Voters needed for an election: a majority of the cluster size (ClusterVNodeOptions.cs `QuorumSize`). */
  private get quorum(): number {
    const voters = this.members.filter((member) => !member.readOnlyReplica).length;
    return voters === 1 ? 1 : Math.floor(voters / 2) + 1;
  }

  private aliveVoters(): ClusterMember[] {
    return this.members.filter((member) => member.alive && !member.readOnlyReplica);
  }

  /** The cluster as it starts: the first voter leads, the other voters follow it, a read-only replica too. */
  formed(): void {
    const [leader] = this.aliveVoters();
    if (leader === undefined) throw new Error('a cluster needs at least one voting node');
    for (const member of this.members) {
      if (!member.alive) continue;
      const state =
        member === leader
          ? VNodeState.Leader
          : member.readOnlyReplica
            ? VNodeState.ReadOnlyReplica
            : VNodeState.Follower;
      this.changeNow(member, state, leader);
    }
  }

  /** Calls `listener` after every change of a member's state or liveness; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
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
    this.changed();
    if (wasLeading) this.leaderLost(member);
    else this.checkQuorum();
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
      this.changeNow(member, VNodeState.ReadOnlyLeaderless, undefined);
      if (leader !== undefined) this.joinAsReadOnlyReplica(member, leader);
      return;
    }
    this.changeNow(member, VNodeState.DiscoverLeader, undefined);
    if (leader !== undefined) {
      this.plan(member, [
        { state: VNodeState.PreReplica, leader },
        { state: VNodeState.CatchingUp, leader },
        { state: VNodeState.Follower, leader },
      ]);
    } else if (this.electionTimer === undefined) {
      this.scheduleElection(undefined);
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
    this.changeNow(old, VNodeState.ResigningLeader, old);
    this.plan(old, [{ state: VNodeState.Unknown, leader: undefined }]);
    this.scheduleElection(target);
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
    clearInterval(this.gossipTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.electionTimer = undefined;
    this.listeners.clear();
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
      this.plan(member, [{ state: VNodeState.PreReplica, leader: old }], LEADER_RECONNECTION_DELAY_MS);
    }
    this.scheduleElection(undefined);
  }

  /** Without a majority of voters alive, the leader retires to Unknown after the election delay. */
  private checkQuorum(): void {
    const leader = this.leader();
    if (leader === undefined || this.aliveVoters().length >= this.quorum) return;
    this.after(this.timings.electionDelayMs, () => {
      if (this.leader() === leader && this.aliveVoters().length < this.quorum) {
        this.changeNow(leader, VNodeState.Unknown, undefined);
      }
    });
  }

  private scheduleElection(preferred: ClusterMember | undefined): void {
    if (this.electionTimer !== undefined) {
      clearTimeout(this.electionTimer);
      this.timers.delete(this.electionTimer);
    }
    this.electionTimer = this.after(this.timings.electionDelayMs, () => {
      this.electionTimer = undefined;
      this.completeElection(preferred);
    });
  }

  /** `ElectionsDone`: see the class comment. Nothing happens without a majority, or while a leader leads. */
  private completeElection(preferred: ClusterMember | undefined): void {
    const voters = this.aliveVoters();
    if (voters.length < this.quorum || this.leader() !== undefined) return;
    const leader =
      preferred !== undefined && preferred.alive && !preferred.readOnlyReplica ? preferred : voters[0];
    if (leader === undefined) return;
    const now = nowTicks();
    for (const member of this.members) {
      if (member.alive) continue;
      member.state = VNodeState.Unknown;
      member.leaderMember = undefined;
      member.timeStamp = now;
    }
    this.changeNow(leader, VNodeState.PreLeader, leader);
    this.plan(leader, [
      {
        state: VNodeState.Leader,
        leader,
        before: () => {
          this.epoch = writeEpoch(this.store, this.epoch, leader.instanceId, new Date());
        },
      },
    ]);
    for (const member of voters) {
      if (member === leader) continue;
      // A node whose leader is re-elected skips the pre-replica states (`Handle(ElectionsDone)`); one that was
      // already on its way back to it (PreReplica, CatchingUp) carries on to Follower.
      const following = member.leaderMember === leader && FOLLOWING_STATES.has(member.state);
      if (following && member.state === VNodeState.Follower) continue;
      if (!following) this.changeNow(member, VNodeState.PreReplica, leader);
      this.plan(member, [
        { state: VNodeState.CatchingUp, leader },
        { state: VNodeState.Follower, leader },
      ]);
    }
  }

  /** Read-only replicas that followed `old` find no alive leader in the gossip (`HandleAsReadOnlyReplica`). */
  private readOnlyReplicasLose(old: ClusterMember): void {
    for (const member of this.members) {
      if (member.alive && member.readOnlyReplica && member.leaderMember === old) {
        this.changeNow(member, VNodeState.ReadOnlyLeaderless, undefined);
      }
    }
  }

  /** A leaderless read-only replica that sees exactly one alive leader (`HandleAsReadOnlyLeaderLess`). */
  private joinAsReadOnlyReplica(member: ClusterMember, leader: ClusterMember): void {
    this.plan(member, [
      { state: VNodeState.PreReadOnlyReplica, leader },
      { state: VNodeState.ReadOnlyReplica, leader },
    ]);
  }

  /** Changes a member's state now, dropping whatever was planned for it. */
  private changeNow(member: ClusterMember, state: VNodeState, leader: ClusterMember | undefined): void {
    member.correlation += 1;
    this.change(member, state, leader);
  }

  /**
   * Runs `steps` for `member`, the first after `firstDelayMs` and each next one a step later, unless something
   * else happens to the member first.
   */
  private plan(member: ClusterMember, steps: readonly Step[], firstDelayMs = this.timings.stepMs): void {
    member.correlation += 1;
    const correlation = member.correlation;
    const run = (index: number, delayMs: number): void => {
      const step = steps[index];
      if (step === undefined) return;
      this.after(delayMs, () => {
        if (member.correlation !== correlation || !member.alive) return;
        step.before?.();
        this.change(member, step.state, step.leader);
        run(index + 1, this.timings.stepMs);
      });
    };
    run(0, firstDelayMs);
  }

  /**
   * Sets a member's state and leader, refreshing its gossip time stamp. The persistent-subscription subsystem
   * runs on the leader only: it starts (loading the groups from the log) when a node becomes leader and shuts
   * its subscriptions down when the node stops leading (PersistentSubscriptionService.cs, `Handle(BecomeLeader)`
   * and `Handle(StateChangeMessage)`); both are a restart of the emulated subsystem.
   */
  private change(member: ClusterMember, state: VNodeState, leader: ClusterMember | undefined): void {
    const wasLeader = member.state === VNodeState.Leader;
    member.state = state;
    member.leaderMember = leader;
    member.timeStamp = nowTicks();
    const isLeader = state === VNodeState.Leader;
    if (member.alive && member.node !== undefined && wasLeader !== isLeader) {
      persistentSubscriptionsOf(member.node).restart();
    }
    if (wasLeader && !isLeader) this.readOnlyReplicasLose(member);
    if (isLeader && !wasLeader) {
      for (const replica of this.members) {
        if (replica.alive && replica.readOnlyReplica && replica.leaderMember !== member) {
          this.joinAsReadOnlyReplica(replica, member);
        }
      }
    }
    this.changed();
  }

  private after(delayMs: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
    return timer;
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
