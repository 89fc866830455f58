/**
 * The seed's event-type filters: lists of regular expressions that must match a whole event type, turned into
 * the one regular expression the server takes (`FilterOptions.event_type.regex`, docs/protocol.md §3.9).
 *
 * The server's regex is unanchored (a match anywhere counts), so the client anchors it. PY esdbclient builds
 * `^a|b$` for inclusion and `^(?!(a$|b$))` for exclusion (`construct_filter_include_regex`,
 * `construct_filter_exclude_regex` in `esdbclient/common.py`); here each list is grouped first, so that every
 * pattern must match the whole type in both cases: `^(?:a|b)$` and `^(?!(?:a|b)$)`. That is what the seed's
 * examples need: `\$.*` excludes exactly the types starting with `$`, and `.*Snapshot` the types ending in
 * `Snapshot`.
 */

/**
 * The regular expression that matches EventStoreDB's system event types (they start with `$`): the text
 * `\$.*`. The default of `filterExclude`.
 */
export const ESDB_EVENTS_REGEX = '\\$.*';

/** The default `filterExclude`: system events are left out. */
const DEFAULT_FILTER_EXCLUDE: readonly string[] = [ESDB_EVENTS_REGEX];

/**
 * The anchored regex for a pair of filter lists, or `undefined` for no filter at all: a non-empty
 * `filterInclude` wins and `filterExclude` is then ignored (seed README).
 */
export function eventTypeRegexOf(
  filterInclude: readonly string[] | undefined,
  filterExclude: readonly string[] | undefined,
): string | undefined {
  if (filterInclude !== undefined && filterInclude.length > 0) return `^(?:${filterInclude.join('|')})$`;
  const exclude = filterExclude ?? DEFAULT_FILTER_EXCLUDE;
  if (exclude.length > 0) return `^(?!(?:${exclude.join('|')})$)`;
  return undefined;
}
