import { isMetastream, type StoredEvent } from './stored-event.js';
import type { StreamIndex, StreamState } from './stream-index.js';

/** What a read of one stream sees (§3.7, §3.13). */
export type StreamReadView =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'deleted' }
  | {
      readonly kind: 'found';
      /** Every event of the stream, indexed by event number, hidden ones included. */
      readonly events: readonly StoredEvent[];
      /** The lowest event number not hidden by `$tb`, `$maxCount` or `$maxAge`. */
      readonly firstVisible: number;
      readonly lastEventNumber: number;
    };

/** By default a metastream keeps only its latest event visible (the server's metastream `$maxCount` of 1). */
const METASTREAM_MAX_COUNT = 1;

/**
 * What a read of `streamName` may see, after deletes and the stream's `$tb`/`$maxCount`/`$maxAge`. `now` gives
 * milliseconds since the epoch, for `$maxAge`.
 */
export function readStreamView(index: StreamIndex, streamName: string, now: () => number): StreamReadView {
  if (index.isTombstoned(streamName)) return { kind: 'deleted' };
  const stream = index.find(streamName);
  if (stream === undefined || stream.lastEventNumber < 0 || stream.softDeleted) return { kind: 'not-found' };
  return {
    kind: 'found',
    events: stream.events,
    firstVisible: firstVisible(stream, now),
    lastEventNumber: stream.lastEventNumber,
  };
}

function firstVisible(stream: StreamState, now: () => number): number {
  const last = stream.lastEventNumber;
  const { truncateBefore, maxCount: ownMaxCount, maxAgeSeconds } = stream.metadata;
  const maxCount = ownMaxCount ?? (isMetastream(stream.name) ? METASTREAM_MAX_COUNT : undefined);
  let first = 0;
  if (truncateBefore !== undefined) first = Math.max(first, Number(truncateBefore));
  if (maxCount !== undefined) first = Math.max(first, last - maxCount + 1);
  if (maxAgeSeconds !== undefined) {
    const cutoff = now() - maxAgeSeconds * 1000;
    while (first <= last && (stream.events[first]?.createdMs ?? 0) < cutoff) first += 1;
  }
  return first;
}
