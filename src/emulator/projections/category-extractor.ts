/**
 * The category of a stream, as `$by_category` and `$stream_by_category` compute it
 * (EventStore.Projections.Core/Standard/StreamCategoryExtractor.cs and its two subclasses, 24.10).
 */

/** Finds a stream's category, or undefined when the stream has none. */
export type CategoryExtractor = (streamName: string) => string | undefined;

/** The source text the server gives both categorising projections when it creates them (ProjectionManager.cs). */
export const DEFAULT_CATEGORY_SOURCE = 'first\r\n-';

const FORMAT_HINT = 'Configuration format is: \r\nfirst|last\r\nseparator';
const CANNOT = 'Cannot initialize categorization projection handler.  ';

/**
 * Reads a categorising projection's source: one character (split at its LAST occurrence), or two lines, `first`
 * or `last` and then the separator character. Anything else throws a RangeError with the message the server
 * faults the projection with.
 */
export function categoryExtractor(source: string): CategoryExtractor {
  const trimmed = source.trim();
  if (source === '') {
    throw new RangeError(
      `${CANNOT}One symbol separator or configuration must be supplied in the source.  ${FORMAT_HINT}`,
    );
  }
  if (trimmed.length === 1) return splitAt(trimmed, 'last');
  const lines = trimmed.split('\n');
  const [directionLine, separator] = lines;
  if (lines.length !== 2 || directionLine === undefined || separator === undefined) {
    throw new RangeError(`${CANNOT}Invalid configuration  ${FORMAT_HINT}`);
  }
  const direction = directionLine.toLowerCase().trim();
  if (direction !== 'first' && direction !== 'last') {
    throw new RangeError(`${CANNOT}Invalid direction specifier.  Expected 'first' or 'last'. ${FORMAT_HINT}`);
  }
  // The separator line is not trimmed: a stray space makes it two characters, which the server refuses too.
  if (separator.length !== 1) {
    throw new RangeError(`${CANNOT}Single separator expected. ${FORMAT_HINT}`);
  }
  return splitAt(separator, direction);
}

/** Streams starting with `$` have no category; neither has a stream whose separator is absent or first. */
function splitAt(separator: string, direction: 'first' | 'last'): CategoryExtractor {
  return (streamName) => {
    if (streamName.startsWith('$')) return undefined;
    const at = direction === 'first' ? streamName.indexOf(separator) : streamName.lastIndexOf(separator);
    return at > 0 ? streamName.slice(0, at) : undefined;
  };
}
