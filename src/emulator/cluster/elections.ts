import { MemberInfo_VNodeState as VNodeState } from '../../generated/gossip.js';
import type { EventStore } from '../store/event-store.js';
import { type ClusterMember, nowTicks } from './cluster-member.js';
import { type Epoch, FIRST_EPOCH, writeEpoch } from './epoch-record.js';
import type { MemberTransitions } from './member-transitions.js';

/** Replica states in which a node keeps following its leader. */
const FOLLOWING_STATES: ReadonlySet<VNodeState> = new Set([
  VNodeState.PreReplica,
  VNodeState.CatchingUp,
  VNodeState.Clone,
  VNodeState.Follower,
]);

/** The alive member in state Leader, if any. */
export function aliveLeaderOf(members: readonly ClusterMember[]): ClusterMember | undefined {
  return members.find((member) => member.alive && member.state === VNodeState.Leader);
}

/** The alive members that may vote and lead: every one but a read-only replica. */
export function aliveVotersOf(members: readonly ClusterMember[]): ClusterMember[] {
  return members.filter((member) => member.alive && !member.readOnlyReplica);
}

/** Voters needed for an election: a majority of the cluster size (ClusterVNodeOptions.cs `QuorumSize`). */
function quorumOf(members: readonly ClusterMember[]): number {
  const voters = members.filter((member) => !member.readOnlyReplica).length;
  return voters === 1 ? 1 : Math.floor(voters / 2) + 1;
}

/**
 * The cluster's elections (ClusterVNodeController.cs, `Handle(ElectionsDone)`). When an election ends, the new
 * leader goes PreLeader, writes a new epoch, then Leader; the other voters go PreReplica, CatchingUp, then
 * Follower; a voter that already followed the elected node stays as it is. A leader left without a majority of
 * voters retires to Unknown (`NoQuorumMessage`).
 *
 * An election needs a majority of the voters alive (ClusterVNodeOptions.cs `QuorumSize`) and picks the requested
 * node, or else the first alive voter: every node holds the same log, so the server's own order (epoch, log
 * positions, priority) would tie. A dead member keeps the state it had until an election ends, which sets every
 * member but the new leader to Unknown in the gossip (GossipServiceBase.cs, `Handle(ElectionsDone)`).
 */
export class Elections {
  private timer: NodeJS.Timeout | undefined;
  private epoch: Epoch = FIRST_EPOCH;

  constructor(
    private readonly members: readonly ClusterMember[],
    private readonly store: EventStore,
    private readonly transitions: MemberTransitions,
    private readonly delayMs: number,
  ) {}

  /** An election is under way. */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Starts an election, or starts the running one again, to end after the election delay. */
  schedule(preferred: ClusterMember | undefined): void {
    if (this.timer !== undefined) this.transitions.cancel(this.timer);
    this.timer = this.transitions.after(this.delayMs, () => {
      this.timer = undefined;
      this.complete(preferred);
    });
  }

  /** Without a majority of voters alive, the leader retires to Unknown after the election delay. */
  checkQuorum(): void {
    const leader = aliveLeaderOf(this.members);
    if (leader === undefined || this.hasQuorum()) return;
    this.transitions.after(this.delayMs, () => {
      if (aliveLeaderOf(this.members) === leader && !this.hasQuorum()) {
        this.transitions.changeNow(leader, VNodeState.Unknown, undefined);
      }
    });
  }

  /** Forgets the running election; its timer is stopped with the others by {@link MemberTransitions.close}. */
  forget(): void {
    this.timer = undefined;
  }

  private hasQuorum(): boolean {
    return aliveVotersOf(this.members).length >= quorumOf(this.members);
  }

  /** `ElectionsDone`: see the class comment. Nothing happens without a majority, or while a leader leads. */
  private complete(preferred: ClusterMember | undefined): void {
    const voters = aliveVotersOf(this.members);
    if (voters.length < quorumOf(this.members) || aliveLeaderOf(this.members) !== undefined) return;
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
    this.transitions.changeNow(leader, VNodeState.PreLeader, leader);
    this.transitions.plan(leader, [
      {
        state: VNodeState.Leader,
        leader,
        before: () => {
          this.epoch = writeEpoch(this.store, this.epoch, leader.instanceId, new Date());
          // StorageWriterService.cs: becoming leader resets the index writer's caches (§3.13.2).
          this.store.startLeaderTerm();
        },
      },
    ]);
    for (const member of voters) {
      if (member !== leader) this.follow(member, leader);
    }
  }

  private follow(member: ClusterMember, leader: ClusterMember): void {
    // A node whose leader is re-elected skips the pre-replica states (`Handle(ElectionsDone)`); one that was
    // already on its way back to it (PreReplica, CatchingUp) carries on to Follower.
    const following = member.leaderMember === leader && FOLLOWING_STATES.has(member.state);
    if (following && member.state === VNodeState.Follower) return;
    if (!following) this.transitions.changeNow(member, VNodeState.PreReplica, leader);
    this.transitions.plan(member, [
      { state: VNodeState.CatchingUp, leader },
      { state: VNodeState.Follower, leader },
    ]);
  }
}
