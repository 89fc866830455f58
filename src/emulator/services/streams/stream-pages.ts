import type { StreamReadView } from '../../store/stream-read-view.js';
import { INT64_MAX } from '../../store/log-position.js';
import type { StoredEvent } from '../../store/stored-event.js';

/** How many events one internal read takes (Enumerator.cs `ReadBatchSize`, §3.7 "pages of 32"). */
export const READ_BATCH_SIZE = 32n;

/** One page of a stream read, as the server's index reader answers it. */
export interface StreamPage {
  /** In the order the read delivers them. */
  readonly events: readonly StoredEvent[];
  /** Where the next page starts; for forwards reads also what `first_stream_position` reports (§3.7). */
  readonly next: bigint;
  readonly endOfStream: boolean;
}

type FoundView = Extract<StreamReadView, { kind: 'found' }>;

/**
 * A forwards page of `size` events from `from` (IndexReader.cs `ReadStreamEventsForward`). A page wholly below the
 * first visible event comes back empty and points at it; one wholly past the end comes back empty, pointing just
 * past the last event. Those empty pages are what `first_stream_position` reports (§3.7).
 */
export function forwardsPage(view: FoundView, from: bigint, size: bigint): StreamPage {
  const last = BigInt(view.lastEventNumber);
  const firstVisible = BigInt(view.firstVisible);
  const end = from < INT64_MAX - size + 1n ? from + size - 1n : INT64_MAX;
  if (end < firstVisible) return { events: [], next: firstVisible, endOfStream: false };
  const start = from > firstVisible ? from : firstVisible;
  if (start > last) return { events: [], next: last + 1n, endOfStream: true };
  const stop = end < last ? end : last;
  return {
    events: view.events.slice(Number(start), Number(stop) + 1),
    next: stop + 1n,
    endOfStream: end >= last,
  };
}

/**
 * A backwards page of `size` events from `from` down, `from` -1 meaning the last event (IndexReader.cs
 * `ReadStreamEventsBackward`). A start past the end reads from the last event.
 */
export function backwardsPage(view: FoundView, from: bigint, size: bigint): StreamPage {
  const last = BigInt(view.lastEventNumber);
  const firstVisible = BigInt(view.firstVisible);
  const end = from < 0n ? last : from;
  if (end < firstVisible) return { events: [], next: -1n, endOfStream: true };
  let start = end - size + 1n > 0n ? end - size + 1n : 0n;
  let endOfStream = false;
  if (start <= firstVisible) {
    endOfStream = true;
    start = firstVisible;
  }
  const stop = end < last ? end : last;
  const events = start <= stop ? view.events.slice(Number(start), Number(stop) + 1).reverse() : [];
  endOfStream ||= start === 0n;
  const next = start - 1n < last ? start - 1n : last;
  return { events, next: endOfStream ? -1n : next, endOfStream };
}
