/**
 * Which cluster member a client talks to (docs/protocol.md §3.15; NODE `nodePreference`, values matched
 * case-insensitively as NODE's connection-string parser does).
 */

/** The node preferences of the official clients. */
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
