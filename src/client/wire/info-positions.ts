/**
 * The positions of a `SubscriptionInfo` (docs/protocol.md §3.14.1), which the server sends as text: a stream
 * position (`"12"`) for a group on a stream, `"C:<commit>/P:<prepare>"` for a group on `$all`, and `""` when
 * it has none yet. A group that starts at the end has the start `"-1"` or `"C:-1/P:-1"`.
 */

const STREAM_POSITION = /^-?\d+$/;
const LOG_POSITION = /^C:(-?\d+)\/P:(-?\d+)$/;

/**
 * The position a text holds: the stream position, or the commit position of a log position (events written
 * over gRPC have the same prepare position, §3.12); `null` for `""`. Negative values are kept.
 * @throws RangeError for a text in neither format, which no server sends.
 */
function positionOfText(text: string, field: string): bigint | null {
  if (text === '') return null;
  if (STREAM_POSITION.test(text)) return BigInt(text);
  const logPosition = LOG_POSITION.exec(text);
  if (logPosition?.[1] !== undefined) return BigInt(logPosition[1]);
  throw new RangeError(`the server sent an unexpected ${field}: '${text}'`);
}

/** A position the group has reached (last checkpointed, last known); `null` when there is none yet. */
export function reachedPositionOf(text: string, field: string): bigint | null {
  const position = positionOfText(text, field);
  return position === null || position < 0n ? null : position;
}

/** Where a group starts: `'end'`, or the position of its first event (0 for the beginning). */
export function startPositionOf(text: string): bigint | 'end' {
  const position = positionOfText(text, 'start_from');
  if (position === null) throw new RangeError('the server sent no start_from');
  // "-1" and "C:-1/P:-1" are the end (StreamRevision.End, Position.End).
  return position < 0n ? 'end' : position;
}
