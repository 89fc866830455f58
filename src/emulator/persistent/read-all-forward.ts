import type { EventStore } from '../store/event-store.js';
import type { StoredEvent } from '../store/stored-event.js';
import { resolveFor, type ResolvedEvent } from './resolved-event.js';

/** The answer to one forward page of `$all` (server: AllReader.cs ReadAllEventsForwardInternal). */
export interface AllPage {
  readonly events: readonly ResolvedEvent[];
  /** Where the page started. */
  readonly currentCommit: bigint;
  readonly currentPrepare: bigint;
  /** Just past the last record looked at, with prepare 0, as the server reports it for self-committed records. */
  readonly nextCommit: bigint;
  readonly nextPrepare: bigint;
  /** Records looked at, whether they passed the filter or not. */
  readonly considered: number;
  /** The page ran out of records before reaching `maxCount` matches or the search window. */
  readonly reachedEnd: boolean;
}

/**
 * Reads `$all` forwards from (commit, prepare), inclusive (§3.7): every record at or after the position is
 * looked at until `maxCount` of them pass `allows` or `maxSearchWindow` have been looked at. Every record the
 * emulator writes is self-committed, so commit == prepare == its position (§3.12).
 */
export function readAllForward(
  store: EventStore,
  commit: bigint,
  prepare: bigint,
  maxCount: number,
  maxSearchWindow: number,
  allows: (record: StoredEvent) => boolean,
  resolveLinks: boolean,
): AllPage {
  const log = store.log;
  const events: ResolvedEvent[] = [];
  let nextCommit = commit;
  let nextPrepare = prepare;
  let considered = 0;
  let reachedEnd = false;
  let index = store.indexAtOrAfter(commit < 0n ? 0n : commit);
  while (events.length < maxCount && considered < maxSearchWindow) {
    const record = log[index];
    if (record === undefined) {
      reachedEnd = true;
      break;
    }
    index += 1;
    // A record counts when (position, position) >= (commit, prepare).
    if (record.position === commit && record.position < prepare) continue;
    considered += 1;
    if (allows(record)) events.push(resolveFor(store, record, resolveLinks, 'read'));
    nextCommit = record.endPosition;
    nextPrepare = 0n;
  }
  return {
    events,
    currentCommit: commit,
    currentPrepare: prepare,
    nextCommit,
    nextPrepare,
    considered,
    reachedEnd,
  };
}
