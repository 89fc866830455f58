/**
 * The five standard projections of 24.10 and what each emits for one record
 * (EventStore.Projections.Core/Standard/*.cs; their names, creation order and sources in
 * Services/Management/ProjectionManager.cs `CreateSystemProjections`).
 */
import { jsonString } from '../persistent/dotnet-json.js';
import { LINK_EVENT_TYPE } from '../store/link-resolution.js';
import { categoryExtractor, DEFAULT_CATEGORY_SOURCE, type CategoryExtractor } from './category-extractor.js';
import type { Emission } from './emission.js';
import { metadataObject, scalarText } from './metadata-values.js';
import type { ProjectionInput } from './projection-input.js';
import { streamDeletionOf } from './stream-deleted.js';

/** A standard projection: its name, its id, whether links reach it, and its handler. */
export interface StandardProjection {
  readonly name: string;
  /** Number of its `$ProjectionCreated` event in `$projections-$all`: 1 to 5 in creation order. */
  readonly id: number;
  /** Whether its source includes links (`SetIncludeLinks`), resolved to their targets. */
  readonly includeLinks: boolean;
  handle(input: ProjectionInput): Emission | undefined;
}

/** Event type of a stream reference, the event `$stream_by_category` writes (SystemEventTypes.StreamReference). */
export const STREAM_REFERENCE_EVENT_TYPE = '$@';

/** The tombstone marker the event-deleting projections add: `$deleted` with the raw value -1. */
const DELETED_MARKER = ['$deleted', '-1'] as const;

const defaultCategory = categoryExtractor(DEFAULT_CATEGORY_SOURCE);

/** IndexStreams.cs: a link to the first event of every stream. */
function indexStreams(input: ProjectionInput): Emission | undefined {
  if (input.positionNumber !== 0n) return undefined;
  return { stream: '$streams', eventType: LINK_EVENT_TYPE, data: `0@${input.positionStream}`, extra: [] };
}

/** CategorizeStreamByPath.cs: the name of every new stream, in `$category-<category>`. */
function categorizeStreams(
  input: ProjectionInput,
  extractCategory: CategoryExtractor = defaultCategory,
): Emission | undefined {
  if (input.positionNumber !== 0n) return undefined;
  const category = extractCategory(input.positionStream);
  if (category === undefined) return undefined;
  return {
    stream: `$category-${category}`,
    eventType: STREAM_REFERENCE_EVENT_TYPE,
    data: input.positionStream,
    extra: [],
  };
}

/** CategorizeEventsByStreamPath.cs: a link to every event in `$ce-<category>`, with the original stream. */
function categorizeEvents(
  input: ProjectionInput,
  extractCategory: CategoryExtractor = defaultCategory,
): Emission | undefined {
  const deletion = streamDeletionOf(input.positionStream, input.eventType, input.data);
  const original = deletion.deleted ? deletion.stream : input.positionStream;
  const category = extractCategory(original);
  if (category === undefined) return undefined;
  const target =
    input.eventType === LINK_EVENT_TYPE ? (input.data ?? '') : `${input.eventNumber}@${input.eventStream}`;
  const extra: (readonly [string, string])[] = [['$o', jsonString(original)]];
  if (deletion.deleted) extra.push(DELETED_MARKER);
  return { stream: `$ce-${category}`, eventType: LINK_EVENT_TYPE, data: target, extra };
}

/** IndexEventsByEventType.cs: a link to every event in `$et-<type>`; deletions go to `$et-$deleted`. */
function indexEventTypes(input: ProjectionInput): Emission | undefined {
  if (input.eventStream !== input.positionStream || input.eventType === LINK_EVENT_TYPE) return undefined;
  const deletion = streamDeletionOf(input.positionStream, input.eventType, input.data);
  // The link names the metastream's stream, not the metastream: the server's code does exactly that.
  return {
    stream: `$et-${deletion.deleted ? '$deleted' : input.eventType}`,
    eventType: LINK_EVENT_TYPE,
    data: `${input.eventNumber}@${deletion.stream}`,
    extra: deletion.deleted ? [DELETED_MARKER] : [],
  };
}

/** ByCorrelationId.cs with its default source: a link per event in `$bc-<$correlationId of its metadata>`. */
function indexCorrelationIds(input: ProjectionInput): Emission | undefined {
  if (input.eventStream !== input.positionStream) return undefined;
  const correlationId = scalarText(metadataObject(input.metadata)?.$correlationId);
  if (correlationId === undefined) return undefined;
  return {
    stream: `$bc-${correlationId}`,
    eventType: LINK_EVENT_TYPE,
    data: `${input.eventNumber}@${input.eventStream}`,
    extra: [['$eventTimestamp', `"${timestampOf(input.createdTicks)}"`]],
  };
}

const TICKS_PER_MS = 10_000n;

/** .NET `yyyy-MM-ddTHH:mm:ss.ffffffZ` of a UTC time: six fraction digits, truncated. */
function timestampOf(ticks: bigint): string {
  const seconds = new Date(Number(ticks / TICKS_PER_MS)).toISOString().slice(0, 19);
  const micros = (ticks % 10_000_000n) / 10n;
  return `${seconds}.${micros.toString().padStart(6, '0')}Z`;
}

/** The standard projections in the order the server creates them (so their ids are 1 to 5). */
export const STANDARD_PROJECTIONS: readonly StandardProjection[] = [
  { name: '$streams', id: 1, includeLinks: true, handle: indexStreams },
  { name: '$stream_by_category', id: 2, includeLinks: true, handle: categorizeStreams },
  { name: '$by_category', id: 3, includeLinks: true, handle: categorizeEvents },
  { name: '$by_event_type', id: 4, includeLinks: false, handle: indexEventTypes },
  { name: '$by_correlation_id', id: 5, includeLinks: false, handle: indexCorrelationIds },
];

/** The two projections whose query is a category configuration (category-extractor.ts), by name. */
const CATEGORISING: Readonly<Record<string, typeof categorizeEvents>> = {
  $stream_by_category: categorizeStreams,
  $by_category: categorizeEvents,
};

/**
 * The projection as its query configures it, as the server builds the handler from the query each time the
 * projection starts (ProjectionCoreService.cs `CreateStateHandler`): the categorising ones split stream names
 * as the query says, the others ignore it. A query the server cannot start with throws a RangeError whose
 * message is the projection's fault reason.
 */
export function configuredBy(projection: StandardProjection, query: string): StandardProjection {
  const categorise = CATEGORISING[projection.name];
  if (categorise === undefined) return projection;
  const extractCategory = categoryExtractor(query);
  return { ...projection, handle: (input) => categorise(input, extractCategory) };
}
