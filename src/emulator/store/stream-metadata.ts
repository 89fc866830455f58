import type { StoredEvent } from './stored-event.js';
import { TOMBSTONE_EVENT_NUMBER } from './stored-event.js';

/** Access-control lists of a stream's metadata (`$acl`), each a list of role or user names (§3.13, §4). */
export interface StreamAcl {
  readonly read?: readonly string[];
  readonly write?: readonly string[];
  readonly delete?: readonly string[];
  readonly metaRead?: readonly string[];
  readonly metaWrite?: readonly string[];
}

/** The keys of stream metadata that the server itself acts on (§3.13); other keys are the clients' business. */
export interface StreamMetadata {
  readonly maxCount?: number;
  readonly maxAgeSeconds?: number;
  /** Truncate-before: events numbered below it are invisible. `long.MaxValue` marks a soft delete. */
  readonly truncateBefore?: bigint;
  readonly acl?: StreamAcl;
}

export const NO_METADATA: StreamMetadata = {};

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function roles(value: unknown): readonly string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  return undefined;
}

function parseAcl(value: unknown): StreamAcl | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const acl = value as Record<string, unknown>;
  return {
    read: roles(acl.$r),
    write: roles(acl.$w),
    delete: roles(acl.$d),
    metaRead: roles(acl.$mr),
    metaWrite: roles(acl.$mw),
  };
}

const INTEGER_KEYS = ['$maxCount', '$maxAge', '$tb', '$cacheControl'];
/** Seconds the server turns into a .NET TimeSpan, which overflows above this (§3.13.1). */
const TIMESPAN_KEYS = ['$maxAge', '$cacheControl'];
const MAX_TIMESPAN_SECONDS = 922_337_203_685;
const ACL_KEYS = ['$r', '$w', '$d', '$mr', '$mw'];

function aclReadable(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([key, names]) => ACL_KEYS.includes(key) && roles(names) !== undefined);
}

/**
 * Whether the server's reader gets through the metadata: one of its keys with a value of the wrong kind, or an
 * unknown `$acl` member, makes it ignore the whole metadata (§3.13.1, server: StreamMetadata.cs).
 */
function readableByServer(fields: Record<string, unknown>): boolean {
  for (const key of INTEGER_KEYS) {
    if (!(key in fields)) continue;
    const value = fields[key];
    if (typeof value !== 'number' || !Number.isInteger(value)) return false;
    if (TIMESPAN_KEYS.includes(key) && Math.abs(value) > MAX_TIMESPAN_SECONDS) return false;
  }
  if ('$tmp' in fields && typeof fields.$tmp !== 'boolean') return false;
  return !('$acl' in fields) || aclReadable(fields.$acl);
}

/**
 * `$tb` arrives as a JSON number, and a soft delete writes 9223372036854775807, which a JS number cannot hold:
 * read it from the raw text so that the value survives exactly.
 */
function truncateBeforeFrom(json: string, parsed: unknown): bigint | undefined {
  if (typeof parsed !== 'number' || parsed < 0 || !Number.isInteger(parsed)) return undefined;
  const raw = /"\$tb"\s*:\s*(\d+)/.exec(json)?.[1];
  return raw === undefined ? BigInt(parsed) : BigInt(raw);
}

/**
 * Reads the metadata the server acts on from the latest `$metadata` event of a metastream. The server reads
 * metadata only when that event is flagged JSON, and ignores it when it does not parse (§3.13).
 */
export function parseStreamMetadata(event: StoredEvent | undefined): StreamMetadata {
  if (event === undefined || !event.isJson) return NO_METADATA;
  const json = Buffer.from(event.data).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return NO_METADATA;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return NO_METADATA;
  const fields = parsed as Record<string, unknown>;
  if (!readableByServer(fields)) return NO_METADATA;
  return {
    maxCount: positiveInteger(fields.$maxCount),
    maxAgeSeconds: positiveInteger(fields.$maxAge),
    truncateBefore: truncateBeforeFrom(json, fields.$tb),
    acl: parseAcl(fields.$acl),
  };
}

/** A soft-deleted stream has `$tb` = `long.MaxValue` (§3.4). */
export function isSoftDeleted(metadata: StreamMetadata): boolean {
  return metadata.truncateBefore === TOMBSTONE_EVENT_NUMBER;
}
