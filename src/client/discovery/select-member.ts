/**
 * The choice of a cluster member by node preference, as NODE makes it (`Client/discovery.js`
 * `filterAndOrderMembers`, docs/protocol.md §3.15): only alive members in a state that serves clients are
 * eligible; among them the preferred states come first, ties broken at random.
 */
import type { ClusterMember, MemberState } from './cluster-member.js';
import type { NodePreference } from './node-preference.js';

/** The states in which a member serves clients (NODE `allowedStates`). */
const ELIGIBLE_STATES: ReadonlySet<ClusterMember['state']> = new Set<MemberState>([
  'Follower',
  'Leader',
  'ReadOnlyReplica',
  'PreReadOnlyReplica',
  'ReadOnlyLeaderless',
]);

/** The preferred states, best first. `random` prefers none. */
function preferredStates(preference: NodePreference): readonly MemberState[] {
  switch (preference) {
    case 'leader':
      return ['Leader'];
    case 'follower':
      return ['Follower'];
    case 'readOnlyReplica':
      return ['ReadOnlyReplica', 'PreReadOnlyReplica', 'ReadOnlyLeaderless'];
    case 'random':
      return [];
  }
}

/**
 * The member to connect to, or undefined when no member is eligible. With `leader`, exactly one alive Leader
 * is required, as PY insists (§3.15): a cluster in mid-election yields none, so discovery tries again after
 * its interval instead of settling on a follower that would answer `not-leader`. Other preferences that no
 * member matches fall back to any eligible member, as NODE does (a `follower` client of a one-node cluster
 * talks to the leader).
 * @param random a number in [0, 1), for the tie break (tests pass their own).
 */
export function selectMember(
  preference: NodePreference,
  members: readonly ClusterMember[],
  random: () => number = Math.random,
): ClusterMember | undefined {
  const eligible = members.filter(
    (member) => member.isAlive && ELIGIBLE_STATES.has(member.state) && member.port > 0,
  );
  if (preference === 'leader') {
    const leaders = eligible.filter((member) => member.state === 'Leader');
    return leaders.length === 1 ? leaders[0] : undefined;
  }
  if (eligible.length === 0) return undefined;
  const preferred = preferredStates(preference);
  const rank = (member: ClusterMember): number => {
    const index = preferred.indexOf(member.state as MemberState);
    return index < 0 ? preferred.length : index;
  };
  const best = Math.min(...eligible.map(rank));
  const candidates = eligible.filter((member) => rank(member) === best);
  return candidates[Math.floor(random() * candidates.length)] ?? candidates[0];
}
