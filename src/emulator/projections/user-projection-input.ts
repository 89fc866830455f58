/**
 * Which records of the log reach a user projection's handlers, and the `event` object they see. Sources from
 * the 24.10 server (EventStore.Projections.Core/Services/Processing/…): `fromAll()` reads `$all` through the
 * transaction-file filter (TransactionFile/TransactionFileEventFilter.cs, see projection-input.ts); `fromStream`,
 * `fromStreams` and `fromCategory` read their streams resolving links (SingleStream/, MultiStream/; a category
 * is its `$ce-` stream, whose name gives the event's `category`: SingleStream/CategoryEventFilter.cs); only
 * the event types the query handles pass unless it has `$any` (EventFilter.cs `PassesEvent`). The envelope's
 * fields are those of Interpreted/JintProjectionStateHandler.cs `CreateEnvelope`.
 */
import type { EventStore } from '../store/event-store.js';
import type { StoredEvent } from '../store/stored-event.js';
import { streamDeletionOf } from './stream-deleted.js';
import type { EnvelopeFields, QueryDefinition } from './js-sandbox.js';
import { passesAllStreamSource, projectionInputOf, type ProjectionInput } from './projection-input.js';

/** A record that reaches the handlers, with what the envelope needs beyond the input. */
export interface SourceEvent {
  readonly input: ProjectionInput;
  /** The link's metadata text, when the record is a resolved link. */
  readonly linkMetadata: string | null;
  readonly category: string | null;
  /**
   * No data to handle: the server counts the event but calls no handler for JSON with blank data or other
   * content with none (`ProcessEvent`).
   */
  readonly emptyData: boolean;
}

const CATEGORY_STREAM_PREFIX = '$ce-';

/** The record as the projection's handlers get it, or undefined when its source or type filter drops it. */
export function sourceEventOf(
  store: EventStore,
  record: StoredEvent,
  definition: QueryDefinition,
  sources: readonly string[] | undefined,
): SourceEvent | undefined {
  if (sources !== undefined && !sources.includes(record.streamName)) return undefined;
  const input = projectionInputOf(store, record);
  if (input === undefined) return undefined;
  if (sources === undefined && !passesAllStreamSource(input, definition.includeLinks)) return undefined;
  if (!definition.allEvents && !definition.events.includes(input.eventType)) return undefined;
  const data = input.data ?? '';
  return {
    input,
    linkMetadata:
      input.resolvedLinkTo && record.metadata.length > 0
        ? Buffer.from(record.metadata).toString('utf8')
        : null,
    category: record.streamName.startsWith(CATEGORY_STREAM_PREFIX)
      ? record.streamName.slice(CATEGORY_STREAM_PREFIX.length)
      : null,
    emptyData: input.isJson ? data.trim() === '' : data === '',
  };
}

/** The fields of the handler's `event` object. */
export function envelopeFieldsOf(
  source: SourceEvent,
  partition: string,
  definition: QueryDefinition,
): EnvelopeFields {
  const { input } = source;
  return {
    partition,
    bodyRaw: input.data ?? null,
    metadataRaw: input.metadata ?? null,
    streamId: input.eventStream,
    eventId: input.eventId,
    eventType: input.eventType,
    linkMetadataRaw: source.linkMetadata,
    isJson: input.isJson,
    category: definition.allStreams ? null : source.category,
    sequenceNumber: Number(input.eventNumber),
  };
}

/**
 * The stream a record deletes, for a `fromAll().foreachStream()` query with a `$deleted` handler: the
 * server's reader tells such a projection of each deleted stream (EventFilter.cs `PassesDeleteNotification`,
 * Standard/StreamDeletedHelper.cs). Undefined for other records and other queries.
 */
export function deletedStreamOf(
  record: StoredEvent,
  definition: QueryDefinition,
  sources: readonly string[] | undefined,
): string | undefined {
  if (!definition.handlesDeletedNotifications || !definition.byStream || sources !== undefined)
    return undefined;
  const deletion = streamDeletionOf(
    record.streamName,
    record.eventType,
    Buffer.from(record.data).toString('utf8'),
  );
  return deletion.deleted && !deletion.stream.startsWith('$') ? deletion.stream : undefined;
}
