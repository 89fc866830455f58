/**
 * Event ids on the client side: the canonical hyphenated text form, lower-case (docs/protocol.md §3.11).
 */

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is a UUID in the hyphenated 8-4-4-4-12 form (either case). */
export function isUuidText(text: string): boolean {
  return UUID_TEXT.test(text);
}

/**
 * The text form of a structured UUID: the two halves are the big-endian first and last 8 bytes, read as signed
 * 64-bit integers (§3.11).
 */
export function uuidTextOfHalves(mostSignificantBits: bigint, leastSignificantBits: bigint): string {
  const hex =
    BigInt.asUintN(64, mostSignificantBits).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, leastSignificantBits).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
