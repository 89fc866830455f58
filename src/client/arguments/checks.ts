/**
 * Argument checks of the public methods. Each throws a TypeError (wrong kind of value) or a RangeError (right
 * kind, out of range) whose message names the argument, and none has side effects: they run before anything
 * is sent.
 *
 * Positions accept `number` (a safe integer) or `bigint` and come out as `bigint`, since commit positions are
 * byte offsets that can pass 2^53 (docs/protocol.md §3.12).
 */

/** The largest value of a uint64 field. */
const UINT64_MAX = 0xffff_ffff_ffff_ffffn;

/** The largest value of an int64: PY's default read count (`sys.maxsize`), which every server accepts (§5). */
export const INT64_MAX = 0x7fff_ffff_ffff_ffffn;

/** A non-empty stream name. */
export function checkStreamName(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new TypeError(`${where} must be a string`);
  if (value === '') throw new TypeError(`${where} must not be empty`);
  return value;
}

/**
 * A non-empty persistent subscription group name. The server needs one: an empty name fails its connect
 * message's checks with an unhandled exception (§3.1, channel 3).
 */
export function checkGroupName(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new TypeError(`${where} must be a string`);
  if (value === '') throw new TypeError(`${where} must not be empty`);
  return value;
}

/**
 * A positive integer that goes into an int32 field (a buffer or batch size): 1 ≤ value ≤ 2^31-1.
 */
export function checkPositiveInt32(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${where} must be an integer`);
  }
  if (value < 1 || value > 0x7fff_ffff)
    throw new RangeError(`${where} must be between 1 and 2^31-1, got ${value}`);
  return value;
}

/** A duration in milliseconds that may be 0: 0 ≤ value ≤ 2^31-1. */
export function checkDuration(value: unknown, where: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${where} must be a number of milliseconds`);
  }
  // setTimeout cannot wait longer than 2^31-1 ms.
  if (!(value >= 0) || value > 0x7fff_ffff) {
    throw new RangeError(`${where} must be between 0 and 2^31-1 milliseconds, got ${value}`);
  }
  return value;
}

/** An integer as a bigint, from a safe-integer number or a bigint, without a range check. */
function integerOf(value: unknown, where: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`${where} must be an integer, got ${value}`);
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${where} is not a safe integer (${value}); pass a bigint for values above 2^53`);
    }
    return BigInt(value);
  }
  throw new TypeError(`${where} must be a number or a bigint`);
}

/**
 * A position or revision: 0 ≤ value ≤ 2^63-1. The fields are uint64 on the wire, but the server reads them as
 * signed numbers (docs/protocol.md §3.2), so a larger value would arrive negative: 2^64-1 as -1, "no stream".
 */
export function checkPosition(value: unknown, where: string): bigint {
  const position = integerOf(value, where);
  if (position < 0n) throw new RangeError(`${where} must not be negative, got ${position}`);
  if (position > INT64_MAX) throw new RangeError(`${where} must be at most 2^63-1, got ${position}`);
  return position;
}

/** A read limit, a count rather than a position: 0 ≤ value ≤ 2^64-1. */
export function checkLimit(value: unknown, where: string): bigint {
  const limit = integerOf(value, where);
  if (limit < 0n) throw new RangeError(`${where} must not be negative, got ${limit}`);
  if (limit > UINT64_MAX) throw new RangeError(`${where} must be at most 2^64-1, got ${limit}`);
  return limit;
}

/** What an append expects of the stream: absent, at a position, or anything. */
export type ExpectedState =
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'any' }
  | { readonly kind: 'position'; readonly position: bigint };

/**
 * The seed's `expectedPosition`: `null` means the stream must not exist, a non-negative integer the position of
 * its last event, a negative integer no check at all. It is required.
 */
export function checkExpectedPosition(value: unknown, where: string): ExpectedState {
  if (value === undefined) {
    throw new TypeError(
      `${where} is required: null for a new stream, the position of the last event, or -1 for any`,
    );
  }
  if (value === null) return { kind: 'no-stream' };
  const position = integerOf(value, where);
  if (position < 0n) return { kind: 'any' };
  // Signed on the server (§3.2): 2^64-1 would be read as -1, "no stream", and the append would succeed.
  if (position > INT64_MAX) throw new RangeError(`${where} must be at most 2^63-1, got ${position}`);
  return { kind: 'position', position };
}

/** `JSON.stringify`, typed as it behaves: undefined for `undefined`, functions and symbols. */
function jsonTextOf(value: unknown): string | undefined {
  return JSON.stringify(value);
}

/** A value JSON can represent, as JSON text. */
export function checkJsonText(value: unknown, where: string): string {
  let text: string | undefined;
  try {
    text = jsonTextOf(value);
  } catch (error: unknown) {
    // A bigint, a cycle, or a throwing toJSON.
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`${where} cannot be serialized as JSON: ${reason}`, { cause: error });
  }
  if (text === undefined) throw new TypeError(`${where} cannot be serialized as JSON (${typeof value})`);
  return text;
}

/** An optional boolean. */
export function checkBoolean(value: unknown, where: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new TypeError(`${where} must be a boolean`);
}

/**
 * A call timeout in milliseconds: a positive number; `Infinity` means no deadline. `undefined` keeps the
 * default.
 */
export function checkTimeout(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value))
    throw new TypeError(`${where} must be a number of milliseconds`);
  if (!(value > 0)) throw new RangeError(`${where} must be positive, got ${value}`);
  return value;
}

/** An optional AbortSignal. */
export function checkSignal(value: unknown, where: string): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value;
  throw new TypeError(`${where} must be an AbortSignal`);
}

/**
 * A list of regular expressions (event-type filters). They are not compiled here: the server runs them as .NET
 * regular expressions (§3.9), whose syntax differs from JavaScript's (inline options such as `(?i)`, for one).
 */
export function checkRegexList(value: unknown, where: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || !isIterable(value)) {
    throw new TypeError(`${where} must be an array of regular expression strings`);
  }
  const patterns: string[] = [];
  for (const pattern of value) {
    if (typeof pattern !== 'string') throw new TypeError(`${where}[${patterns.length}] must be a string`);
    if (pattern === '') throw new TypeError(`${where}[${patterns.length}] must not be empty`);
    patterns.push(pattern);
  }
  return patterns;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}
