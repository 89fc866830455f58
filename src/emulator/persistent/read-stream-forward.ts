import type { EventStore } from '../store/event-store.js';
import { resolveFor, type ResolvedEvent } from './resolved-event.js';

/** The answer to one forward page of a stream, as the server's index reader gives it. */
export type StreamPage =
  | {
      readonly kind: 'success';
      readonly events: readonly ResolvedEvent[];
      readonly nextEventNumber: bigint;
      readonly isEndOfStream: boolean;
    }
  /** Missing or soft-deleted: no events, and the page counts as the end of the stream. */
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'deleted' };

/**
 * Reads up to `maxCount` events of a stream from `fromEventNumber` on (server: IndexReader.cs
 * ReadStreamEventsForward). Events hidden by `$tb`, `$maxCount` or `$maxAge` are skipped: a page that lies
 * wholly below the first visible event comes back empty and points at it; one past the last event is the end.
 */
export function readStreamForward(
  store: EventStore,
  streamName: string,
  fromEventNumber: bigint,
  maxCount: number,
  resolveLinks: boolean,
): StreamPage {
  const view = store.readStream(streamName);
  if (view.kind === 'deleted') return { kind: 'deleted' };
  if (view.kind === 'not-found') return { kind: 'no-stream' };
  const last = BigInt(view.lastEventNumber);
  const firstVisible = BigInt(view.firstVisible);
  const end = fromEventNumber + BigInt(maxCount) - 1n;
  if (end < firstVisible) {
    return { kind: 'success', events: [], nextEventNumber: firstVisible, isEndOfStream: false };
  }
  const start = fromEventNumber > firstVisible ? fromEventNumber : firstVisible;
  if (start > last) return { kind: 'success', events: [], nextEventNumber: last + 1n, isEndOfStream: true };
  const events: ResolvedEvent[] = [];
  for (let number = start; number <= end && number <= last; number += 1n) {
    const record = view.events[Number(number)];
    if (record === undefined) continue;
    events.push(resolveFor(store, record, resolveLinks, 'read'));
  }
  const lastRead = events.at(-1);
  const nextEventNumber =
    lastRead === undefined ? (end + 1n < last + 1n ? end + 1n : last + 1n) : originalNumber(lastRead) + 1n;
  return { kind: 'success', events, nextEventNumber, isEndOfStream: end >= last };
}

function originalNumber(resolved: ResolvedEvent): bigint {
  return (resolved.link ?? resolved.event)?.eventNumber ?? 0n;
}
