/**
 * The JSON of a `$metadata` event (docs/protocol.md §3.13), written from and read into {@link StreamMetadata}.
 * The server's keys are `$maxAge`, `$maxCount`, `$tb`, `$cacheControl`, `$tmp` and `$acl` (with `$r`, `$w`,
 * `$d`, `$mr`, `$mw`); every other key belongs to the application. `$tb` can be as large as 2^63-1 (a soft
 * delete writes exactly that), which a JavaScript number cannot hold, so its digits are read from the text.
 */
import type { StreamAcl, StreamMetadata } from '../streams/stream-metadata.js';

const ACL_WIRE_KEYS = [
  ['readRoles', '$r'],
  ['writeRoles', '$w'],
  ['deleteRoles', '$d'],
  ['metaReadRoles', '$mr'],
  ['metaWriteRoles', '$mw'],
] as const;

/** The JSON text of checked metadata: the server's keys first, then the application's. */
export function metadataJson(metadata: StreamMetadata): string {
  const members: string[] = [];
  const add = (key: string, text: string): void => {
    members.push(`${JSON.stringify(key)}:${text}`);
  };
  if (metadata.maxAge !== undefined) add('$maxAge', String(metadata.maxAge));
  if (metadata.maxCount !== undefined) add('$maxCount', String(metadata.maxCount));
  if (metadata.truncateBefore !== undefined) add('$tb', metadata.truncateBefore.toString());
  if (metadata.cacheControl !== undefined) add('$cacheControl', String(metadata.cacheControl));
  if (metadata.tempStream !== undefined) add('$tmp', String(metadata.tempStream));
  if (metadata.acl !== undefined) add('$acl', JSON.stringify(aclJson(metadata.acl)));
  for (const [key, value] of Object.entries(metadata.custom ?? {})) add(key, JSON.stringify(value));
  return `{${members.join(',')}}`;
}

function aclJson(acl: StreamAcl): Record<string, readonly string[]> {
  const json: Record<string, readonly string[]> = {};
  for (const [field, wireKey] of ACL_WIRE_KEYS) {
    const roles = acl[field];
    if (roles !== undefined) json[wireKey] = roles;
  }
  return json;
}

/**
 * The metadata a `$metadata` event's JSON holds. Text that is not a JSON object reads as no metadata, as the
 * server ignores it (§3.13).
 */
export function metadataOfJson(text: string): StreamMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const integers = topLevelIntegers(text);
  const metadata: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const field = typedField(key, value, integers.get(key));
    if (field === undefined) custom[key] = value;
    else metadata[field[0]] = field[1];
  }
  if (Object.keys(custom).length > 0) metadata.custom = custom;
  return metadata;
}

/**
 * A server key with a value of the kind the server takes (§3.13.1: integers written without a fraction,
 * positive counts and durations, a non-negative `$tb`), as its field and value; undefined for anything else,
 * which stays in `custom`.
 */
function typedField(key: string, value: unknown, integer: string | undefined): [string, unknown] | undefined {
  const positive = integer !== undefined && BigInt(integer) > 0n ? Number(integer) : undefined;
  switch (key) {
    case '$maxAge':
      return positive === undefined ? undefined : ['maxAge', positive];
    case '$maxCount':
      return positive === undefined ? undefined : ['maxCount', positive];
    case '$cacheControl':
      return positive === undefined ? undefined : ['cacheControl', positive];
    case '$tb':
      return integer === undefined || integer.startsWith('-')
        ? undefined
        : ['truncateBefore', BigInt(integer)];
    case '$tmp':
      return typeof value === 'boolean' ? ['tempStream', value] : undefined;
    case '$acl':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? ['acl', aclOf(value as Record<string, unknown>)]
        : undefined;
    default:
      return undefined;
  }
}

/** The roles of an `$acl` object; each entry is one name or a list of names on the wire (§3.13.1). */
function aclOf(json: Record<string, unknown>): StreamAcl {
  const acl: Record<string, readonly string[]> = {};
  for (const [field, wireKey] of ACL_WIRE_KEYS) {
    const roles = json[wireKey];
    if (typeof roles === 'string') acl[field] = [roles];
    else if (Array.isArray(roles) && roles.every((role) => typeof role === 'string')) acl[field] = roles;
  }
  return acl;
}

/** JSON tokens of a text known to be valid JSON: strings, punctuation, and runs of anything else. */
const TOKENS = /"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/g;
const INTEGER = /^-?\d+$/;

/** The exact text of each member of the top-level object whose value is an integer, by key. */
function topLevelIntegers(json: string): Map<string, string> {
  const integers = new Map<string, string>();
  let depth = 0;
  let expectKey = false;
  let valueNext = false;
  let key = '';
  for (const token of json.match(TOKENS) ?? []) {
    if (depth === 1 && valueNext) {
      // A repeated key counts once, with its last value, as in JSON.parse.
      if (INTEGER.test(token)) integers.set(key, token);
      else integers.delete(key);
    }
    if (depth === 1 && expectKey && token.startsWith('"')) key = JSON.parse(token) as string;
    valueNext = depth === 1 && token === ':';
    expectKey = (depth === 0 && token === '{') || (depth === 1 && token === ',');
    if (token === '{' || token === '[') depth += 1;
    else if (token === '}' || token === ']') depth -= 1;
  }
  return integers;
}
