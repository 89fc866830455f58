/**
 * Where a group is in its event source: an event number for a stream group, a log position for a `$all`
 * group (server: PersistentSubscriptionSingleStreamPosition.cs, PersistentSubscriptionAllStreamPosition.cs).
 * -1, or (-1, -1), is the "live" position a group created from `end` starts at.
 */
export type SubscriptionPosition =
  | { readonly kind: 'stream'; readonly eventNumber: bigint }
  | { readonly kind: 'all'; readonly commit: bigint; readonly prepare: bigint };

/** A position in a stream: an event number. */
export function streamPosition(eventNumber: bigint): SubscriptionPosition {
  return { kind: 'stream', eventNumber };
}

/** A position in `$all`: a (commit, prepare) pair. */
export function allPosition(commit: bigint, prepare: bigint): SubscriptionPosition {
  return { kind: 'all', commit, prepare };
}

/** The start position of a group created from `end`: it takes only events that arrive afterwards. */
export function isLivePosition(position: SubscriptionPosition): boolean {
  return position.kind === 'stream'
    ? position.eventNumber === -1n
    : position.commit === -1n && position.prepare === -1n;
}

/** Orders two positions of the same kind: event numbers, or (commit, prepare) pairs lexicographically. */
export function comparePositions(a: SubscriptionPosition, b: SubscriptionPosition): number {
  if (a.kind === 'stream' && b.kind === 'stream') return compare(a.eventNumber, b.eventNumber);
  if (a.kind === 'all' && b.kind === 'all')
    return compare(a.commit, b.commit) || compare(a.prepare, b.prepare);
  // The server throws InvalidOperationException when positions of different kinds meet.
  throw new TypeError('positions of a stream and of $all cannot be compared');
}

/** The text GetInfo shows and checkpoints hold (§3.14): `12`, or `C:<commit>/P:<prepare>`. */
export function positionText(position: SubscriptionPosition): string {
  return position.kind === 'stream'
    ? position.eventNumber.toString()
    : `C:${position.commit.toString()}/P:${position.prepare.toString()}`;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
