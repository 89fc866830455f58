/**
 * A minimal protobuf reader for the read path. Decoding read responses straight into the client's own objects,
 * instead of into generated message objects first, saves several allocations per event (the event message,
 * its UUID and stream identifier messages, one object per metadata map entry), which is most of the client's
 * per-event cost when reading long streams.
 *
 * It knows the protobuf wire format only (varints, length-delimited fields, skipping): what the fields mean is
 * left to the decoders that use it.
 */

/** Protobuf wire types. */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

/** A cursor over one encoded message. */
export class WireReader {
  /** The bytes, as a Buffer view (no copy) so that strings decode with Buffer's native UTF-8 decoder. */
  readonly buf: Buffer;
  /** The offset of the next byte to read. */
  pos = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A varint that fits in 32 bits (tags, lengths, enums, int32), as an unsigned number. */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i += 1) {
      const byte = buf[pos++];
      if (byte === undefined) throw new RangeError('truncated protobuf varint');
      // Bits past 32 are dropped, as protobuf does when a 64-bit varint is read into a 32-bit field.
      if (i < 5) result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        this.pos = pos;
        return result % 0x1_0000_0000;
      }
      multiplier *= 128;
    }
    throw new RangeError('malformed protobuf varint');
  }

  /** A uint64 varint as a bigint; values below 2^49 (every real log position) take the number fast path. */
  uint64(): bigint {
    const buf = this.buf;
    let pos = this.pos;
    let low = 0;
    let multiplier = 1;
    for (let i = 0; i < 7; i += 1) {
      const byte = buf[pos++];
      if (byte === undefined) throw new RangeError('truncated protobuf varint');
      low += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        this.pos = pos;
        return BigInt(low);
      }
      multiplier *= 128;
    }
    let value = BigInt(low);
    let shift = 49n;
    for (let i = 7; i < 10; i += 1) {
      const byte = buf[pos++];
      if (byte === undefined) throw new RangeError('truncated protobuf varint');
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return BigInt.asUintN(64, value);
      }
      shift += 7n;
    }
    throw new RangeError('malformed protobuf varint');
  }

  /** The end offset of a length-delimited field whose length prefix is next; the cursor moves to its start. */
  delimitedEnd(): number {
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.buf.length) throw new RangeError('truncated protobuf field');
    return end;
  }

  /** A UTF-8 string field. */
  string(): string {
    const end = this.delimitedEnd();
    const text = this.buf.toString('utf8', this.pos, end);
    this.pos = end;
    return text;
  }

  /**
   * A bytes field, as a view into the message buffer (no copy). It is a Buffer (a Uint8Array subclass), so
   * `toString()` gives the UTF-8 text.
   */
  bytes(): Uint8Array {
    const end = this.delimitedEnd();
    const view = this.buf.subarray(this.pos, end);
    this.pos = end;
    return view;
  }

  #advance(bytes: number): void {
    if (this.pos + bytes > this.buf.length) throw new RangeError('truncated protobuf field');
    this.pos += bytes;
  }

  /** Skips a varint without decoding it (no bigint is made for values nobody reads). */
  #skipVarint(): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 10; i += 1) {
      const byte = buf[pos++];
      if (byte === undefined) throw new RangeError('truncated protobuf varint');
      if (byte < 0x80) {
        this.pos = pos;
        return;
      }
    }
    throw new RangeError('malformed protobuf varint');
  }

  /** Skips the value of a field of `wireType`. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.#skipVarint();
        return;
      case WireType.Fixed64:
        this.#advance(8);
        return;
      case WireType.LengthDelimited:
        this.pos = this.delimitedEnd();
        return;
      case WireType.Fixed32:
        this.#advance(4);
        return;
      case WireType.StartGroup: {
        for (;;) {
          const tag = this.uint32();
          if ((tag & 7) === WireType.EndGroup) return;
          this.skip(tag & 7);
        }
      }
      default:
        throw new RangeError(`unsupported protobuf wire type ${wireType}`);
    }
  }
}
