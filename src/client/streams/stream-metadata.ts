/**
 * Stream metadata, typed: the keys the server acts on (docs/protocol.md §3.13) as named fields, the rest as
 * `custom`; and the checks `setStreamMetadata` makes before anything is sent. The JSON on the wire is built
 * and read in `wire/stream-metadata-json.ts`.
 */
import { checkBoolean, checkJsonText, INT64_MAX } from '../arguments/checks.js';
import { checkOptionKeys } from '../arguments/option-keys.js';

/** Who may do what with a stream: role or user names (`$all` means every authenticated user). */
export interface StreamAcl {
  /** May read the stream (`$r`). */
  readonly readRoles?: readonly string[] | undefined;
  /** May append to the stream (`$w`). */
  readonly writeRoles?: readonly string[] | undefined;
  /** May delete the stream (`$d`). */
  readonly deleteRoles?: readonly string[] | undefined;
  /** May read the stream's metadata (`$mr`). */
  readonly metaReadRoles?: readonly string[] | undefined;
  /** May write the stream's metadata (`$mw`). */
  readonly metaWriteRoles?: readonly string[] | undefined;
}

/** The metadata of a stream. Fields left out are not set. */
export interface StreamMetadata {
  /** Events older than this many seconds are no longer returned (`$maxAge`). */
  readonly maxAge?: number | undefined;
  /** Only the last this many events are returned (`$maxCount`). */
  readonly maxCount?: number | undefined;
  /** Events at positions below this one are no longer returned (`$tb`, "truncate before"). */
  readonly truncateBefore?: bigint | undefined;
  /** How long, in seconds, the server's HTTP API lets caches keep the stream's pages (`$cacheControl`). */
  readonly cacheControl?: number | undefined;
  /** Marks a temporary stream (`$tmp`), which a scavenge may remove once it is deleted. */
  readonly tempStream?: boolean | undefined;
  /** Who may read, write, delete the stream and use its metadata (`$acl`); unset roles follow the defaults. */
  readonly acl?: StreamAcl | undefined;
  /**
   * The application's own keys and JSON values, kept with the stream. When writing, keys must not start with
   * `$` (the server's). When reading, keys the client cannot type (a `$` key it does not know, or a known key
   * with a value of the wrong kind) are here too, so that nothing is lost.
   */
  readonly custom?: Readonly<Record<string, unknown>> | undefined;
}

/** The metadata `setStreamMetadata` takes: {@link StreamMetadata}, with `truncateBefore` also as a number. */
export type StreamMetadataInit = Omit<StreamMetadata, 'truncateBefore'> & {
  /** Events at positions below this one are no longer returned (`$tb`, "truncate before"). */
  readonly truncateBefore?: number | bigint | undefined;
};

const METADATA_KEYS = ['maxAge', 'maxCount', 'truncateBefore', 'cacheControl', 'tempStream', 'acl', 'custom'];
const ACL_KEYS = ['readRoles', 'writeRoles', 'deleteRoles', 'metaReadRoles', 'metaWriteRoles'] as const;

/**
 * The most seconds the server can hold: it turns `$maxAge` and `$cacheControl` into a .NET TimeSpan, and a
 * larger value makes it ignore the whole metadata (§3.13.1).
 */
const MAX_TIMESPAN_SECONDS = 922_337_203_685;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A whole number of at least 1 and at most `max`. */
function checkCount(value: unknown, max: number, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new TypeError(`${where} must be an integer`);
  if (value < 1 || value > max) throw new RangeError(`${where} must be between 1 and ${max}, got ${value}`);
  return value;
}

/** A stream position the server keeps as a long: 0 ≤ value ≤ 2^63-1. */
function checkTruncateBefore(value: unknown, where: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new TypeError(`${where} must be a safe integer or a bigint, got ${value}`);
  }
  if (typeof value !== 'number' && typeof value !== 'bigint') {
    throw new TypeError(`${where} must be a number or a bigint`);
  }
  const position = BigInt(value);
  if (position < 0n || position > INT64_MAX) {
    throw new RangeError(`${where} must be between 0 and 2^63-1, got ${position}`);
  }
  return position;
}

function checkRoles(value: unknown, where: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new TypeError(`${where} must be an array of role or user names`);
  return value.map((role: unknown, index) => {
    if (typeof role !== 'string' || role === '') {
      throw new TypeError(`${where}[${index}] must be a non-empty string`);
    }
    return role;
  });
}

function checkAcl(value: unknown, where: string): StreamAcl | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new TypeError(`${where} must be an object`);
  checkOptionKeys(value, ACL_KEYS, where);
  const acl: Record<string, readonly string[]> = {};
  for (const key of ACL_KEYS) {
    const roles = checkRoles(value[key], `${where}.${key}`);
    if (roles !== undefined) acl[key] = roles;
  }
  return acl;
}

function checkCustom(value: unknown, where: string): Readonly<Record<string, unknown>> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new TypeError(`${where} must be an object`);
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('$')) {
      throw new RangeError(`${where}: key '${key}' must not start with '$' (such keys are the server's)`);
    }
    checkJsonText(item, `${where}.${key}`);
  }
  return value;
}

/**
 * Checks the metadata to write, naming the field that is wrong, and gives it back with `truncateBefore` as a
 * bigint and without the fields left undefined.
 * @throws TypeError or RangeError naming the field.
 */
export function checkStreamMetadata(value: unknown, where: string): StreamMetadata {
  if (!isPlainObject(value)) throw new TypeError(`${where} must be an object`);
  checkOptionKeys(value, METADATA_KEYS, where);
  const checked: StreamMetadata = {
    maxAge: checkCount(value.maxAge, MAX_TIMESPAN_SECONDS, `${where}.maxAge`),
    maxCount: checkCount(value.maxCount, Number.MAX_SAFE_INTEGER, `${where}.maxCount`),
    truncateBefore: checkTruncateBefore(value.truncateBefore, `${where}.truncateBefore`),
    cacheControl: checkCount(value.cacheControl, MAX_TIMESPAN_SECONDS, `${where}.cacheControl`),
    tempStream: checkBoolean(value.tempStream, `${where}.tempStream`),
    acl: checkAcl(value.acl, `${where}.acl`),
    custom: checkCustom(value.custom, `${where}.custom`),
  };
  return withoutUndefined(checked);
}

/** The same fields, minus those whose value is undefined, so that results compare equal to what was set. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** The metastream of a stream, which holds its metadata events: `$$` and the name (§3.13). */
export function metastreamOf(streamName: string): string {
  return `$$${streamName}`;
}
