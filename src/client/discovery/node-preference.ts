/**
 * Which cluster member a client talks to (docs/protocol.md §3.15; NODE `nodePreference`, values matched
 * case-insensitively as NODE's connection-string parser does).
 */

/**
 * The node preferences of the official clients: which member a discovering client talks to (a single node given
 * by one `esdb://` host is dialled whatever the preference). Reads, catch-up subscriptions, gossip and server
 * features go to that member. Calls that only the leader serves (appends, deletes, projections, and persistent
 * subscriptions: managing groups and consuming them) go to the leader whatever the preference, over a second
 * connection that a client preferring other members makes on first use; with `leader` both are one connection.
 */
export type NodePreference = 'leader' | 'follower' | 'random' | 'readOnlyReplica';

/** The official clients' default: the leader. */
export const DEFAULT_NODE_PREFERENCE: NodePreference = 'leader';

const PREFERENCES: readonly NodePreference[] = ['leader', 'follower', 'random', 'readOnlyReplica'];

/** Parses a preference, ignoring case; throws a TypeError naming the allowed values. */
export function parseNodePreference(value: string, where: string): NodePreference {
  const found = PREFERENCES.find((preference) => preference.toLowerCase() === value.trim().toLowerCase());
  if (found === undefined) {
    throw new TypeError(`${where} must be one of ${PREFERENCES.join(', ')}, got '${value}'`);
  }
  return found;
}
