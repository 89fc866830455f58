/**
 * What a standard projection sees of one `$all` record, and which records reach it at all. Facts from the 24.10
 * sources (EventStore.Projections.Core/Services/Processing/…): the reader reads `$all` resolving links
 * (TransactionFile/TransactionFileEventReader.cs) and turns each record into its own ResolvedEvent
 * (ResolvedEvent.cs); the source filter of a `fromAll()` projection (TransactionFile/TransactionFileEventFilter.cs)
 * then drops what the projection must not see.
 */
import type { EventStore } from '../store/event-store.js';
import { LINK_EVENT_TYPE, resolveRecord } from '../store/link-resolution.js';
import { isMetastream, originalStreamOf, type StoredEvent } from '../store/stored-event.js';

/** A record as a projection handler gets it. For a resolved link, "position" is the link and "event" its target. */
export interface ProjectionInput {
  /** The stream and number of the record read from `$all` (the link, for a resolved link). */
  readonly positionStream: string;
  readonly positionNumber: bigint;
  /** The stream and number of the event itself (the target, for a resolved link). */
  readonly eventStream: string;
  readonly eventNumber: bigint;
  readonly resolvedLinkTo: boolean;
  readonly eventId: string;
  readonly eventType: string;
  readonly isJson: boolean;
  /** UTF-8 text of the event's data and metadata; undefined when empty, as the server has null there. */
  readonly data: string | undefined;
  readonly metadata: string | undefined;
  /** Log position of the record read from `$all`: the projection's checkpoint tag for it. */
  readonly position: bigint;
  /** 100-ns ticks since the Unix epoch of the record read from `$all`. */
  readonly createdTicks: bigint;
}

function text(bytes: Uint8Array): string | undefined {
  return bytes.length === 0 ? undefined : Buffer.from(bytes).toString('utf8');
}

/**
 * The record as projections see it, or undefined when the reader drops it: a link whose target cannot be read
 * is not delivered (the reader skips links to missing or deleted streams; other failed links are left out here
 * too, see the report on this module).
 */
export function projectionInputOf(store: EventStore, record: StoredEvent): ProjectionInput | undefined {
  const { event, link } = resolveRecord(store, record, true, 'read');
  if (event === undefined) return undefined;
  return {
    positionStream: record.streamName,
    positionNumber: record.eventNumber,
    eventStream: event.streamName,
    eventNumber: event.eventNumber,
    resolvedLinkTo: link !== undefined,
    eventId: event.eventId,
    eventType: event.eventType,
    isJson: event.isJson,
    data: text(event.data),
    metadata: text(event.metadata),
    position: record.position,
    createdTicks: BigInt(record.created),
  };
}

/**
 * The source filter of a `fromAll()` projection: links only for projections that include them, and no record of
 * a `$` stream except the metastream of an ordinary stream (`$$order-1` passes, `$$$ce-order` does not).
 */
export function passesAllStreamSource(input: ProjectionInput, includeLinks: boolean): boolean {
  if (!includeLinks && (input.resolvedLinkTo || input.eventType === LINK_EVENT_TYPE)) return false;
  const stream = input.positionStream;
  if (!stream.startsWith('$')) return true;
  return isMetastream(stream) && !originalStreamOf(stream).startsWith('$');
}
