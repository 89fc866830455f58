import type { EventStore } from '../store/event-store.js';
import { isVisibleInAll, type EventFilter } from './event-filter.js';
import { sourceName, type EventSource } from './event-source.js';
import { readAllForward } from './read-all-forward.js';
import { readStreamForward } from './read-stream-forward.js';
import type { ResolvedEvent } from './resolved-event.js';
import { allPosition, streamPosition, type SubscriptionPosition } from './subscription-position.js';

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
  if (count <= 0) {
    // The server's reader rejects a non-positive count and the group faults; a `$all` page of 0 would
    // otherwise never reach the end.
    return { kind: 'error', message: `Error reading stream: ${sourceName(source)}` };
  }
  if (source.kind === 'stream') return readStreamBatch(store, source.streamName, request, count);
  if (source.filter === undefined) return readAllBatch(store, request, count);
  const window = Math.max(batchSize, request.maxWindowSize);
  return readFilteredAllBatch(store, source.filter, request, count, window);
}

/** The page without its first event when that one is the loaded checkpoint's. */
function withoutCheckpointEvent(
  request: BatchRequest,
  events: readonly ResolvedEvent[],
): readonly ResolvedEvent[] {
  return request.skipFirstEvent ? events.slice(1) : events;
}

/** A page of one stream; a missing stream is an empty last page, a tombstoned one an error. */
function readStreamBatch(
  store: EventStore,
  streamName: string,
  request: BatchRequest,
  count: number,
): BatchOutcome {
  const { from } = request;
  const eventNumber = from.kind === 'stream' ? from.eventNumber : 0n;
  const page = readStreamForward(store, streamName, eventNumber, count, request.resolveLinks);
  switch (page.kind) {
    case 'deleted':
      return {
        kind: 'error',
        message: `Error reading stream: ${streamName} at event number: ${eventNumber.toString()}`,
      };
    case 'no-stream':
      return { kind: 'read', events: [], next: streamPosition(0n), isEndOfStream: true, skipped: undefined };
    case 'success':
      return {
        kind: 'read',
        events: withoutCheckpointEvent(request, page.events),
        next: streamPosition(page.nextEventNumber),
        isEndOfStream: page.isEndOfStream,
        skipped: undefined,
      };
  }
}

/** Where a `$all` page starts: the request's commit and prepare positions. */
function allStart(request: BatchRequest): { readonly commit: bigint; readonly prepare: bigint } {
  const { from } = request;
  return from.kind === 'all' ? { commit: from.commit, prepare: from.prepare } : { commit: 0n, prepare: 0n };
}

/** A page of `$all` without a filter: everything but the default exclusions. */
function readAllBatch(store: EventStore, request: BatchRequest, count: number): BatchOutcome {
  const { commit, prepare } = allStart(request);
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
    events: withoutCheckpointEvent(request, page.events),
    next: allPosition(page.nextCommit, page.nextPrepare),
    // ReadAllEventsForwardCompleted.IsEndOfStream: fewer events than asked for.
    isEndOfStream: page.events.length < count,
    skipped: undefined,
  };
}

/** A filtered page of `$all`, looking at up to `window` records for `count` events that pass. */
function readFilteredAllBatch(
  store: EventStore,
  filter: EventFilter,
  request: BatchRequest,
  count: number,
  window: number,
): BatchOutcome {
  const { commit, prepare } = allStart(request);
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
    events: withoutCheckpointEvent(request, page.events),
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
