import type { StoredEvent } from '../store/stored-event.js';
import { isVisibleInAll, type EventFilter } from './event-filter.js';
import { ALL_STREAM } from './names.js';
import { originalOf, type ResolvedEvent } from './resolved-event.js';
import { allPosition, streamPosition, type SubscriptionPosition } from './subscription-position.js';

/**
 * Where a group's events come from: one stream, or `$all` with an optional filter (server:
 * PersistentSubscriptionSingleStreamEventSource.cs, PersistentSubscriptionAllStreamEventSource.cs).
 */
export type EventSource =
  | { readonly kind: 'stream'; readonly streamName: string }
  | { readonly kind: 'all'; readonly filter: EventFilter | undefined };

/** The source of a group on one stream. */
export function streamSource(streamName: string): EventSource {
  return { kind: 'stream', streamName };
}

/** The source of a group on `$all`, filtered or not. */
export function allSource(filter: EventFilter | undefined): EventSource {
  return { kind: 'all', filter };
}

/** The stream name, or `$all`: the first half of the group key. */
export function sourceName(source: EventSource): string {
  return source.kind === 'stream' ? source.streamName : ALL_STREAM;
}

/** Where reading starts when the start position is "live" (`StreamStartPosition`). */
export function sourceStart(source: EventSource): SubscriptionPosition {
  return source.kind === 'stream' ? streamPosition(0n) : allPosition(0n, 0n);
}

/** The position of a delivered event in its source: the original record's number, or its log position. */
export function positionIn(source: EventSource, resolved: ResolvedEvent): SubscriptionPosition {
  const original = originalOf(resolved);
  return source.kind === 'stream'
    ? streamPosition(original.eventNumber)
    : allPosition(original.position, original.position);
}

/**
 * Reads a checkpoint's text (`GetStreamPositionFor(string)`): an event number, or `C:<commit>/P:<prepare>`.
 * Text that does not parse makes the server throw while loading; the emulator then starts as if there were no
 * checkpoint.
 */
export function positionFromText(source: EventSource, text: string): SubscriptionPosition | undefined {
  if (source.kind === 'stream') {
    return /^\s*[+-]?\d+\s*$/.test(text) ? streamPosition(BigInt(text.trim())) : undefined;
  }
  const match = /^C:([+-]?\d+)\/P:([+-]?\d+)$/.exec(text);
  return match?.[1] === undefined || match[2] === undefined
    ? undefined
    : allPosition(BigInt(match[1]), BigInt(match[2]));
}

/** Whether a newly committed record goes to the source's groups at all (`ProcessEventCommitted`). */
export function sourceTakesLive(source: EventSource, record: StoredEvent): boolean {
  return source.kind === 'stream' ? record.streamName === source.streamName : isVisibleInAll(record);
}
