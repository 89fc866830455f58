import { crc32 } from './crc32.js';
import type { StoredEvent } from './stored-event.js';

/**
 * The on-disk form of the durable log: a sequence of frames `[u32 length][u8 kind][body][u32 crc32]`, big-endian,
 * where the checksum covers kind and body. A frame cut short by a crash, or one whose checksum fails, ends the
 * log: everything before it was acknowledged, nothing after it was.
 */
export type LogEntry =
  | { readonly kind: 'event'; readonly event: StoredEvent }
  /** Log bytes that hold no event (a real node's epoch records): the head moves to `endPosition`. */
  | { readonly kind: 'gap'; readonly endPosition: bigint };

const EVENT = 1;
const GAP = 2;
const HEADER = 5;
const TRAILER = 4;

class Writer {
  private readonly chunks: Buffer[] = [];
  u8(value: number): this {
    this.chunks.push(Buffer.of(value));
    return this;
  }
  u64(value: bigint): this {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64BE(value);
    this.chunks.push(buffer);
    return this;
  }
  f64(value: number): this {
    const buffer = Buffer.alloc(8);
    buffer.writeDoubleBE(value);
    this.chunks.push(buffer);
    return this;
  }
  bytes(value: Uint8Array): this {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(value.length);
    this.chunks.push(length, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    return this;
  }
  text(value: string): this {
    return this.bytes(Buffer.from(value, 'utf8'));
  }
  result(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

class Reader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}
  u8(): number {
    return this.buffer.readUInt8(this.offset++);
  }
  u64(): bigint {
    const value = this.buffer.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }
  f64(): number {
    const value = this.buffer.readDoubleBE(this.offset);
    this.offset += 8;
    return value;
  }
  bytes(): Uint8Array {
    const length = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    const value = new Uint8Array(this.buffer.subarray(this.offset, this.offset + length));
    this.offset += length;
    return value;
  }
  text(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }
}

/** Encodes one entry as a whole frame. */
export function encodeFrame(entry: LogEntry): Buffer {
  const body =
    entry.kind === 'gap'
      ? new Writer().u8(GAP).u64(entry.endPosition).result()
      : new Writer()
          .u8(EVENT)
          .u64(entry.event.position)
          .u64(entry.event.endPosition)
          .u64(entry.event.eventNumber)
          .f64(entry.event.createdMs)
          .u8(entry.event.isJson ? 1 : 0)
          .text(entry.event.eventId)
          .text(entry.event.streamName)
          .text(entry.event.eventType)
          .bytes(entry.event.data)
          .bytes(entry.event.metadata)
          .result();
  const frame = Buffer.alloc(4 + body.length + TRAILER);
  frame.writeUInt32BE(body.length - 1);
  body.copy(frame, 4);
  frame.writeUInt32BE(crc32(body), 4 + body.length);
  return frame;
}

/** Reads whole frames from the start of `buffer`; `validLength` is where the first bad or partial frame starts. */
export function decodeFrames(buffer: Buffer): { entries: LogEntry[]; validLength: number } {
  const entries: LogEntry[] = [];
  let offset = 0;
  while (offset + HEADER <= buffer.length) {
    const bodyLength = buffer.readUInt32BE(offset) + 1;
    const end = offset + 4 + bodyLength + TRAILER;
    if (end > buffer.length) break;
    const body = buffer.subarray(offset + 4, offset + 4 + bodyLength);
    if (crc32(body) !== buffer.readUInt32BE(offset + 4 + bodyLength)) break;
    entries.push(decodeBody(body));
    offset = end;
  }
  return { entries, validLength: offset };
}

function decodeBody(body: Buffer): LogEntry {
  const reader = new Reader(body);
  if (reader.u8() === GAP) return { kind: 'gap', endPosition: reader.u64() };
  const position = reader.u64();
  const endPosition = reader.u64();
  const eventNumber = reader.u64();
  const createdMs = reader.f64();
  const isJson = reader.u8() === 1;
  return {
    kind: 'event',
    event: {
      position,
      endPosition,
      eventNumber,
      createdMs,
      created: (BigInt(createdMs) * 10_000n).toString(),
      isJson,
      eventId: reader.text(),
      streamName: reader.text(),
      eventType: reader.text(),
      data: reader.bytes(),
      metadata: reader.bytes(),
    },
  };
}
