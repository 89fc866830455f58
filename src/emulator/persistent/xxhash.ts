/**
 * The 32-bit xxHash variant the server uses to pick a bucket for a pinned message (Index/Hashes/XXHashUnsafe.cs,
 * default seed 0xc58f1a7b). A string is hashed as its UTF-16 code units in little-endian order, which is how
 * the server hands a .NET string's memory to the hash.
 */
export function xxHashOfString(text: string): number {
  const bytes = Buffer.from(text, 'utf16le');
  return xxHash32(bytes, SEED);
}

const SEED = 0xc58f1a7b;
const PRIME1 = 2654435761;
const PRIME2 = 2246822519;
const PRIME3 = 3266489917;
const PRIME4 = 668265263;
const PRIME5 = 0x165667b1;

function mul(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

function add(a: number, b: number): number {
  return (a + b) >>> 0;
}

function rotl(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

function word(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] ?? 0) |
      ((bytes[offset + 1] ?? 0) << 8) |
      ((bytes[offset + 2] ?? 0) << 16) |
      ((bytes[offset + 3] ?? 0) << 24)) >>>
    0
  );
}

/** The hash of `bytes` with `seed`. */
export function xxHash32(bytes: Uint8Array, seed: number): number {
  const length = bytes.length;
  if (length < 16) return hashSmall(bytes, seed);
  let v1 = add(seed, PRIME1);
  let v2 = add(mul(v1, PRIME2), length);
  let v3 = mul(v2, PRIME3);
  let v4 = mul(v3, PRIME4);
  const limit = length - 16;
  let offset = 0;
  // Full 16-byte stripes strictly before the last 16 bytes; those are always mixed in afterwards.
  while (offset < limit) {
    v1 = add(mul(add(v1, rotl(v1, 13)), PRIME1), word(bytes, offset));
    v2 = add(mul(add(v2, rotl(v2, 11)), PRIME1), word(bytes, offset + 4));
    v3 = add(mul(add(v3, rotl(v3, 17)), PRIME1), word(bytes, offset + 8));
    v4 = add(mul(add(v4, rotl(v4, 19)), PRIME1), word(bytes, offset + 12));
    offset += 16;
  }
  v1 = mul(add(v1, rotl(v1, 17)), PRIME1);
  v2 = mul(add(v2, rotl(v2, 19)), PRIME1);
  v3 = mul(add(v3, rotl(v3, 13)), PRIME1);
  v4 = mul(add(v4, rotl(v4, 11)), PRIME1);
  v1 = mul(add(v1, word(bytes, limit)), PRIME2);
  v2 = mul(add(v2, word(bytes, limit + 4)), PRIME2);
  v3 = mul(add(v3, word(bytes, limit + 8)), PRIME2);
  v4 = mul(add(v4, word(bytes, limit + 12)), PRIME2);
  v1 = mul(add(v1, rotl(v1, 11)), PRIME3);
  v2 = mul(add(v2, rotl(v2, 17)), PRIME3);
  v3 = mul(add(v3, rotl(v3, 19)), PRIME3);
  v4 = mul(add(v4, rotl(v4, 13)), PRIME3);
  let crc = add(add(add(v1, rotl(v2, 3)), rotl(v3, 6)), rotl(v4, 9));
  crc = (crc ^ (crc >>> 11)) >>> 0;
  crc = add(crc, mul(add(PRIME4, length), PRIME1));
  crc = (crc ^ (crc >>> 15)) >>> 0;
  crc = mul(crc, PRIME2);
  crc = (crc ^ (crc >>> 13)) >>> 0;
  return crc;
}

function hashSmall(bytes: Uint8Array, seed: number): number {
  const length = bytes.length;
  let index = add(seed, PRIME1);
  let crc = PRIME5;
  let offset = 0;
  // Whole words strictly before the last four bytes, then the remaining bytes one at a time.
  while (offset < length - 4) {
    crc = add(crc, add(word(bytes, offset), index));
    index = add(index, 1);
    crc = add(crc, mul(rotl(crc, 17), PRIME4));
    crc = mul(crc, PRIME1);
    offset += 4;
  }
  while (offset < length) {
    crc = add(crc, add(bytes[offset] ?? 0, index));
    index = add(index, 1);
    crc = mul(crc, PRIME1);
    offset += 1;
  }
  crc = add(crc, length);
  crc = (crc ^ (crc >>> 15)) >>> 0;
  crc = mul(crc, PRIME2);
  crc = (crc ^ (crc >>> 13)) >>> 0;
  crc = mul(crc, PRIME3);
  crc = (crc ^ (crc >>> 16)) >>> 0;
  return crc;
}
