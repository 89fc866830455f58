import { MemberInfo_VNodeState as VNodeState } from '../../generated/gossip.js';
import type { Endpoint } from '../endpoint.js';

/**
 * What a node does with a client request in its current state, as the server's node controller decides it
 * (ClusterVNodeController.cs, the state machine built in `CreateFSM`).
 */
export type Admission =
  /** Handled by this node. */
  | { readonly kind: 'serve' }
  /** An ordinary write on a replica: sent on to the leader the node follows (`ForwardRequest`). */
  | { readonly kind: 'forward' }
  /** NOT_FOUND `not-leader` naming `leader` (§3.1.1; `DenyRequestBecauseNotLeader`, `DenyRequestBecauseReadOnly`). */
  | { readonly kind: 'not-leader'; readonly leader: Endpoint }
  /** UNAVAILABLE `Server Is Not Ready` (§3.1.2; `DenyRequestBecauseNotReady`). */
  | { readonly kind: 'not-ready' }
  /** Handed to a subsystem that is not running, which never answers. */
  | { readonly kind: 'unanswered' };

/** What a node knows when it decides: its state, the leader it follows, and its own address. */
export interface AdmissionFacts {
  readonly state: VNodeState;
  readonly leader: Endpoint | undefined;
  readonly self: Endpoint;
}

const SERVE: Admission = { kind: 'serve' };
const FORWARD: Admission = { kind: 'forward' };
const NOT_READY: Admission = { kind: 'not-ready' };
const UNANSWERED: Admission = { kind: 'unanswered' };

/** States whose reads and persistent-subscription requests go through `HandleAsNonLeader`. */
const NON_LEADER_STATES: ReadonlySet<VNodeState> = new Set([
  VNodeState.PreReplica,
  VNodeState.CatchingUp,
  VNodeState.Clone,
  VNodeState.Follower,
  VNodeState.DiscoverLeader,
  VNodeState.Unknown,
  VNodeState.ReadOnlyLeaderless,
  VNodeState.PreReadOnlyReplica,
  VNodeState.ReadOnlyReplica,
]);

/** Replicas that forward ordinary writes to their leader. */
const REPLICA_STATES: ReadonlySet<VNodeState> = new Set([
  VNodeState.PreReplica,
  VNodeState.CatchingUp,
  VNodeState.Clone,
  VNodeState.Follower,
]);

/** Read-only replicas, which never write for a client (`HandleAsReadOnlyReplica`). */
const READ_ONLY_STATES: ReadonlySet<VNodeState> = new Set([
  VNodeState.ReadOnlyLeaderless,
  VNodeState.PreReadOnlyReplica,
  VNodeState.ReadOnlyReplica,
]);

/**
 * The denial a non-leader gives when the leader is needed. `LeaderInfoProvider` falls back to the node's own
 * address when it knows no leader, so the answer is still `not-leader` (and UNKNOWN `No leader info available`
 * never arises from this path).
 */
function notLeader(facts: AdmissionFacts): Admission {
  return { kind: 'not-leader', leader: facts.leader ?? facts.self };
}

/**
 * A Streams read or catch-up subscription. The leader, a resigning leader and a pre-leader serve every read;
 * the non-leader states serve it unless `requires-leader` is set, and then answer `not-leader` when they know a
 * leader and `not-ready` when they do not (`HandleAsNonLeader(ReadStreamEventsForward)` and its siblings). Any
 * other state (initializing, shutting down) is not ready.
 */
export function admitStreamRead(facts: AdmissionFacts, leaderRequired: boolean): Admission {
  const { state } = facts;
  if (state === VNodeState.Leader || state === VNodeState.ResigningLeader || state === VNodeState.PreLeader) {
    return SERVE;
  }
  if (!NON_LEADER_STATES.has(state)) return NOT_READY;
  if (!leaderRequired) return SERVE;
  return facts.leader === undefined ? NOT_READY : notLeader(facts);
}

/**
 * A Streams write (Append, BatchAppend, Delete, Tombstone). The leader writes; a resigning leader, a pre-leader
 * and the election states are not ready (`DenyRequestBecauseNotReady`, `HandleAsResigningLeader`). A replica
 * forwards the write to its leader unless `requires-leader` is set (`HandleAsNonLeader(WriteEvents)`). A
 * read-only replica refuses client writes either way, both refusals reaching the client as `not-leader`
 * (`HandleAsReadOnlyReplica`; RpcExceptions.cs maps NotLeader and IsReadOnly alike).
 */
export function admitStreamWrite(facts: AdmissionFacts, leaderRequired: boolean): Admission {
  const { state } = facts;
  if (state === VNodeState.Leader) return SERVE;
  if (READ_ONLY_STATES.has(state)) return notLeader(facts);
  if (REPLICA_STATES.has(state)) return leaderRequired ? notLeader(facts) : FORWARD;
  return NOT_READY;
}

/**
 * Persistent-subscription Create, Update, Delete and Read (the connect). Only the leader runs the subsystem; a
 * resigning leader is not ready; the non-leader states answer `not-leader`, or `not-ready` without a leader
 * (`HandleAsNonLeader(CreatePersistentSubscriptionToStream)` and its siblings). A pre-leader hands the request to
 * the subsystem, which is not started yet and drops it (PersistentSubscriptionService.cs: `if (!_started)
 * return`).
 */
export function admitPersistentSubscriptionRequest(facts: AdmissionFacts): Admission {
  const { state } = facts;
  if (state === VNodeState.Leader) return SERVE;
  if (state === VNodeState.ResigningLeader) return NOT_READY;
  if (NON_LEADER_STATES.has(state)) return facts.leader === undefined ? NOT_READY : notLeader(facts);
  return UNANSWERED;
}
