import { compileAllFilter, isVisibleInAll, type RecordFilter } from '../store/all-filter.js';
import type { StoredEvent } from '../store/stored-event.js';

export { isVisibleInAll };

/**
 * How the server records a `$all` group's filter in its configuration stream (EventFilter.ParseToDto):
 * prefixes are joined with commas, a regex is kept as written.
 */
export interface FilterDescription {
  readonly context: 'streamid' | 'eventtype';
  readonly type: 'regex' | 'prefix';
  readonly data: string;
  readonly isAllStream: boolean;
}

/** A server-side filter of a `$all` group (§3.9): it also applies the default `$all` exclusions. */
export interface EventFilter {
  allows(record: StoredEvent): boolean;
  readonly description: FilterDescription;
}

type Field = 'streamid' | 'eventtype';

function compile(field: Field, regex: string, prefixes: readonly string[]): RecordFilter {
  return compileAllFilter({ field: field === 'streamid' ? 'stream' : 'type', regex, prefixes });
}

/**
 * A filter on the stream name or the event type by an unanchored regex (§3.9). A pattern the engine cannot
 * compile throws, as .NET's Regex constructor does (the handler then fails with UNKNOWN).
 */
export function regexFilter(field: Field, pattern: string): EventFilter {
  return {
    allows: compile(field, pattern, []),
    description: { context: field, type: 'regex', data: pattern, isAllStream: true },
  };
}

/** A filter on the stream name or the event type by prefixes (§3.9): any prefix may match; none means none. */
export function prefixFilter(field: Field, prefixes: readonly string[]): EventFilter {
  return {
    allows: compile(field, '', prefixes),
    description: { context: field, type: 'prefix', data: prefixes.join(','), isAllStream: true },
  };
}

/**
 * Rebuilds a filter from the configuration stream (EventFilter.TryParse): an unknown context or type, or empty
 * data, is refused, and the server then skips that group when it loads its configuration.
 */
export function filterFromDescription(description: {
  readonly context?: unknown;
  readonly type?: unknown;
  readonly data?: unknown;
}): EventFilter | undefined {
  const { context, type, data } = description;
  if (context !== 'streamid' && context !== 'eventtype') return undefined;
  if (typeof data !== 'string' || data === '') return undefined;
  if (type === 'regex') return regexFilter(context, data);
  if (type === 'prefix') return prefixFilter(context, data.split(','));
  return undefined;
}
