import type { UUID } from '../../generated/shared.js';

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Reads a UUID in either wire form (§3.11) into the lower-case hyphenated text the server writes. Text input
 * is accepted in the shapes .NET `Guid.Parse` takes: 32 digits, hyphenated, or wrapped in braces/parentheses.
 * Returns undefined for anything else.
 */
export function uuidToText(uuid: UUID | undefined): string | undefined {
  const value = uuid?.value;
  if (value === undefined) return undefined;
  if (value.$case === 'structured') {
    const hex =
      BigInt.asUintN(64, value.value.mostSignificantBits).toString(16).padStart(16, '0') +
      BigInt.asUintN(64, value.value.leastSignificantBits).toString(16).padStart(16, '0');
    return hyphenate(hex);
  }
  const text = value.value.trim().toLowerCase();
  const bare = /^[{(]?([0-9a-f-]+)[})]?$/.exec(text)?.[1];
  if (bare === undefined) return undefined;
  if (/^[0-9a-f]{32}$/.test(bare)) return hyphenate(bare);
  return CANONICAL.test(bare) ? bare : undefined;
}

function hyphenate(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The structured form: each half of the RFC 4122 bytes as a big-endian signed int64 (§3.11). */
export function textToStructuredUuid(text: string): UUID {
  const hex = text.replace(/-/g, '');
  return {
    value: {
      $case: 'structured',
      value: {
        mostSignificantBits: BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)),
        leastSignificantBits: BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)),
      },
    },
  };
}

/** How a read asked for ids to be written (§3.11): NODE and PY ask for text, NET for structured. */
export type UuidForm = 'string' | 'structured';
