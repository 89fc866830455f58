import type { StoredEvent } from './stored-event.js';

/** Decides whether a stored record is part of a `$all` read or subscription. */
export type RecordFilter = (record: StoredEvent) => boolean;

/** What a server-side filter matches (§3.9): the stored record's stream name or its event type. */
export interface FilterExpression {
  readonly field: 'stream' | 'type';
  /** Used when non-empty; the prefixes are then ignored. */
  readonly regex: string;
  readonly prefixes: readonly string[];
}

const EPOCH_INFORMATION_STREAM = '$epoch-information';
const ALL_PERSISTENT_SUBSCRIPTION_PREFIX = '$persistentsubscription-$all::';

/** Ordinal "starts with `prefix` and ends with `suffix`", the two not overlapping. */
function hasPrefixAndSuffix(value: string, prefix: string, suffix: string): boolean {
  return value.length >= prefix.length + suffix.length && value.startsWith(prefix) && value.endsWith(suffix);
}

/**
 * The exclusions every `$all` read and subscription applies, filtered or not (§3.7; EventFilter.cs
 * `DefaultAllFilter`): non-system streams pass at once; then `$epoch-information` and the checkpoint and parked
 * streams of persistent subscriptions to `$all` are left out.
 */
export const isVisibleInAll: RecordFilter = (record) => {
  const stream = record.streamName;
  if (!stream.startsWith('$')) return true;
  if (stream === EPOCH_INFORMATION_STREAM) return false;
  return !(
    hasPrefixAndSuffix(stream, ALL_PERSISTENT_SUBSCRIPTION_PREFIX, '-checkpoint') ||
    hasPrefixAndSuffix(stream, ALL_PERSISTENT_SUBSCRIPTION_PREFIX, '-parked')
  );
};

/**
 * A `$all` filter as the server builds it (§3.9; Streams.Read.cs `ConvertToEventFilter`, EventFilter.cs): the
 * default exclusions, then an unanchored regex (a .NET `Regex`; JavaScript's is close enough for the patterns
 * clients send) or "starts with any prefix", so an empty prefix list matches nothing. An invalid pattern throws,
 * which the server does too (an unhandled exception: UNKNOWN).
 */
export function compileAllFilter(expression: FilterExpression): RecordFilter {
  const valueOf =
    expression.field === 'stream'
      ? (record: StoredEvent) => record.streamName
      : (record: StoredEvent) => record.eventType;
  if (expression.regex !== '') {
    const pattern = new RegExp(expression.regex);
    return (record) => isVisibleInAll(record) && pattern.test(valueOf(record));
  }
  const prefixes = [...expression.prefixes];
  return (record) => {
    if (!isVisibleInAll(record)) return false;
    const value = valueOf(record);
    return prefixes.some((prefix) => value.startsWith(prefix));
  };
}
