/**
 * The server-side filter of a `$all` read, subscription or persistent group (docs/protocol.md §3.9): one
 * anchored regular expression (event-type-filter.ts), applied to event types or, on request, to stream names.
 */
import type { ReadReq_Options_FilterOptions } from '../../generated/streams.js';

/** What a `$all` call filters on the server. */
export interface RecordFilter {
  /** The anchored regex, as {@link eventTypeRegexOf} builds it. */
  readonly regex: string;
  /** Match the regex against stream names instead of event types (PY's `filter_by_stream_name`). */
  readonly byStreamName: boolean;
}

/** A filter of `regex`, or none when there is no regex. */
export function recordFilterOf(regex: string | undefined, byStreamName: boolean): RecordFilter | undefined {
  return regex === undefined ? undefined : { regex, byStreamName };
}

/**
 * The filter options for the wire, with the server's default search window. The checkpoint multiplier must be
 * positive (0 makes the server throw, §3.9); plain reads get no checkpoints whatever it is.
 */
export function filterOptionsOf(
  filter: RecordFilter,
  checkpointIntervalMultiplier: number,
): ReadReq_Options_FilterOptions {
  const expression = { regex: filter.regex, prefix: [] };
  return {
    filter: filter.byStreamName
      ? { $case: 'streamIdentifier', value: expression }
      : { $case: 'eventType', value: expression },
    window: { $case: 'count', value: {} },
    checkpointIntervalMultiplier,
  };
}
