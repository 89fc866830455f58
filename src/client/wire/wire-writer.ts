/**
 * A minimal protobuf writer for the append path, the counterpart of wire-reader.ts. The encoder using it
 * computes a message's exact size first and then writes every field once into one Buffer of that size, where
 * the generated writer grows a list of chunks, copies the event bytes into it, and joins the chunks again at
 * the end (a second copy of every event). It knows the wire format only: what the fields are is the encoder's.
 */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The bytes `value` (an integer, 0 ≤ value < 2^53) takes as a varint. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x20_0000) return 3;
  if (value < 0x1000_0000) return 4;
  let size = 4;
  for (let rest = Math.floor(value / 0x1000_0000); rest > 0; rest = Math.floor(rest / 128)) size += 1;
  return size;
}

/** The bytes a signed 64-bit varint (int64, int32) of `value` takes: ten for any negative value. */
export function signedVarintSize(value: bigint): number {
  if (value < 0n) return 10;
  return value <= MAX_SAFE ? varintSize(Number(value)) : unsignedBigSize(value);
}

function unsignedBigSize(value: bigint): number {
  let size = 1;
  for (let rest = value >> 7n; rest > 0n; rest >>= 7n) size += 1;
  return size;
}

/**
 * The bytes of `text` in UTF-8, as Buffer and TextEncoder write it: a lone surrogate becomes U+FFFD, three
 * bytes.
 */
export function utf8Size(text: string): number {
  let size = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      size += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A pair: two UTF-16 units, four bytes.
      size += 2;
      i += 1;
    } else {
      size += 2;
    }
  }
  return size;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** A cursor writing into a Buffer allocated at the message's exact size. */
export class WireWriter {
  readonly buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** An unsigned varint of a number (0 ≤ value < 2^53): tags, lengths, positions. */
  varint(value: number): void {
    const buf = this.buf;
    let pos = this.pos;
    let rest = value;
    while (rest >= 0x8000_0000) {
      buf[pos++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    while (rest >= 0x80) {
      buf[pos++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    buf[pos++] = rest;
    this.pos = pos;
  }

  /** A signed 64-bit varint (int64, int32): a negative value as its 64-bit two's complement, ten bytes. */
  signedVarint(value: bigint): void {
    if (value >= 0n && value <= MAX_SAFE) {
      this.varint(Number(value));
      return;
    }
    let rest = BigInt.asUintN(64, value);
    while (rest >= 0x80n) {
      this.buf[this.pos++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buf[this.pos++] = Number(rest);
  }

  /** The bytes of `text`, whose UTF-8 size the caller has computed as `size`. */
  string(text: string, size: number): void {
    if (size === text.length && size < 64) {
      // ASCII: a loop beats the native call for the short strings of ids and types.
      const buf = this.buf;
      let pos = this.pos;
      for (let i = 0; i < size; i += 1) buf[pos++] = text.charCodeAt(i);
      this.pos = pos;
    } else {
      this.pos += this.buf.write(text, this.pos, size, 'utf8');
    }
  }

  /** Raw bytes. */
  bytes(bytes: Uint8Array): void {
    this.buf.set(bytes, this.pos);
    this.pos += bytes.byteLength;
  }
}
