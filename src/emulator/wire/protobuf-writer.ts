/**
 * A minimal protobuf writer for the read hot path: sizes are computed first, then the message is written once
 * into a buffer of exactly that size. The generated codec grows and copies buffers as it goes, which made
 * encoding most of the emulator's cost per event read.
 */

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const UINT64_MASK = (1n << 64n) - 1n;

/** Bytes of a varint holding a non-negative number up to 2^53. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size += 1;
  }
  return size;
}

/** Bytes of a varint holding a 64-bit value: negative int64s take ten, as two's complement. */
export function varint64Size(value: bigint): number {
  if (value >= 0n && value <= SAFE) return varintSize(Number(value));
  let unsigned = value & UINT64_MASK;
  let size = 1;
  while (unsigned >= 0x80n) {
    unsigned >>= 7n;
    size += 1;
  }
  return size;
}

/** Bytes of a length-delimited field with a one-byte tag (fields 1–15). */
export function delimitedSize(length: number): number {
  return 1 + varintSize(length) + length;
}

export class ProtobufWriter {
  readonly buffer: Buffer;
  private offset = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** The written bytes; the size given at construction must have been exact. */
  finish(): Buffer {
    if (this.offset !== this.buffer.length)
      throw new Error(`wrote ${this.offset} of ${this.buffer.length} bytes`);
    return this.buffer;
  }

  byte(value: number): this {
    this.buffer[this.offset++] = value;
    return this;
  }

  varint(value: number): this {
    while (value >= 0x80) {
      this.buffer[this.offset++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.offset++] = value;
    return this;
  }

  varint64(value: bigint): this {
    if (value >= 0n && value <= SAFE) return this.varint(Number(value));
    let unsigned = value & UINT64_MASK;
    while (unsigned >= 0x80n) {
      this.buffer[this.offset++] = Number(unsigned & 0x7fn) | 0x80;
      unsigned >>= 7n;
    }
    this.buffer[this.offset++] = Number(unsigned);
    return this;
  }

  /** A tag for field numbers 1–15 (one byte). */
  tag(field: number, wireType: 0 | 2): this {
    return this.byte((field << 3) | wireType);
  }

  bytes(value: Uint8Array): this {
    this.varint(value.length);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  /** A string already measured as `byteLength` UTF-8 bytes. */
  string(value: string, byteLength: number): this {
    this.varint(byteLength);
    this.offset += this.buffer.write(value, this.offset, byteLength, 'utf8');
    return this;
  }
}
