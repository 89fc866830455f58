import type { EventStore } from '../store/event-store.js';
import type { StoredEvent } from '../store/stored-event.js';
import { isVisibleInAll, type EventFilter } from './event-filter.js';
import { ALL_STREAM } from './names.js';
import { readAllForward } from './read-all-forward.js';
import { readStreamForward } from './read-stream-forward.js';
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

/** The outcome of one page a group reads (server: PersistentSubscriptionStreamReader.cs). */
export type BatchOutcome =
  | {
      readonly kind: 'read';
      readonly events: readonly ResolvedEvent[];
      readonly next: SubscriptionPosition;
      readonly isEndOfStream: boolean;
      /** A filtered page that found nothing but looked at records: the position it started from and how many. */
      readonly skipped: { readonly position: SubscriptionPosition; readonly count: number } | undefined;
    }
  | { readonly kind: 'error'; readonly message: string };

/** The service's reader pulls at most 100 events a page (PersistentSubscriptionService.cs). */
const MAX_PULL_BATCH_SIZE = 100;
/** Never more than 500, and 20 when the group says 0 (PersistentSubscriptionStreamReader.cs). */
const READER_MAX_BATCH_SIZE = 500;
const DEFAULT_BATCH_SIZE = 20;

/** One page a group asks for (the arguments of `BeginReadEvents`). */
export interface BatchRequest {
  readonly from: SubscriptionPosition;
  readonly countToLoad: number;
  readonly batchSize: number;
  /** The group's max checkpoint count: it widens the search window of filtered pages. */
  readonly maxWindowSize: number;
  readonly resolveLinks: boolean;
  /** Drop the first event of the page: it is the one the loaded checkpoint names. */
  readonly skipFirstEvent: boolean;
}

/** Reads the next page of a group's source (PersistentSubscriptionStreamReader.BeginReadEvents). */
export function readBatch(store: EventStore, source: EventSource, request: BatchRequest): BatchOutcome {
  const batchSize = Math.min(
    request.batchSize === 0 ? DEFAULT_BATCH_SIZE : request.batchSize,
    READER_MAX_BATCH_SIZE,
    MAX_PULL_BATCH_SIZE,
  );
  const count = Math.min(request.countToLoad, batchSize);
  const skip = (events: readonly ResolvedEvent[]) => (request.skipFirstEvent ? events.slice(1) : events);
  if (count <= 0) {
    // The server's reader rejects a non-positive count and the group faults; a `$all` page of 0 would
    // otherwise never reach the end.
    return { kind: 'error', message: `Error reading stream: ${sourceName(source)}` };
  }
  const { from } = request;
  if (source.kind === 'stream') {
    const eventNumber = from.kind === 'stream' ? from.eventNumber : 0n;
    const page = readStreamForward(store, source.streamName, eventNumber, count, request.resolveLinks);
    switch (page.kind) {
      case 'deleted':
        return {
          kind: 'error',
          message: `Error reading stream: ${source.streamName} at event number: ${eventNumber.toString()}`,
        };
      case 'no-stream':
        return {
          kind: 'read',
          events: [],
          next: streamPosition(0n),
          isEndOfStream: true,
          skipped: undefined,
        };
      case 'success':
        return {
          kind: 'read',
          events: skip(page.events),
          next: streamPosition(page.nextEventNumber),
          isEndOfStream: page.isEndOfStream,
          skipped: undefined,
        };
    }
  }
  const commit = from.kind === 'all' ? from.commit : 0n;
  const prepare = from.kind === 'all' ? from.prepare : 0n;
  const filter = source.filter;
  if (filter === undefined) {
    const page = readAllForward(
      store,
      commit,
      prepare,
      count,
      Number.MAX_SAFE_INTEGER,
      isVisibleInAll,
      request.resolveLinks,
    );
    return {
      kind: 'read',
      events: skip(page.events),
      next: allPosition(page.nextCommit, page.nextPrepare),
      // ReadAllEventsForwardCompleted.IsEndOfStream: fewer events than asked for.
      isEndOfStream: page.events.length < count,
      skipped: undefined,
    };
  }
  const window = Math.max(batchSize, request.maxWindowSize);
  const page = readAllForward(
    store,
    commit,
    prepare,
    count,
    window,
    (record) => filter.allows(record),
    request.resolveLinks,
  );
  return {
    kind: 'read',
    events: skip(page.events),
    next: allPosition(page.nextCommit, page.nextPrepare),
    isEndOfStream: page.reachedEnd,
    // Checkpoint at the position the page started from, so that loading it skips nothing (the reader's
    // FetchAllFilteredCompleted).
    skipped:
      page.events.length === 0 && page.considered > 0
        ? { position: allPosition(page.currentCommit, page.currentPrepare), count: page.considered }
        : undefined,
  };
}
