import { crc32 } from './crc32.js';
import type { StoredEvent } from './stored-event.js';

/**
 * The on-disk form of the durable log: a sequence of frames `[u32 length - 1][u8 kind][body][u32 crc32]`,
 * big-endian, where the checksum covers kind and body. Each frame is one unit of the log: everything one write
 * put there (an append's records, or the log space of a system record). A frame is accepted whole or not at
 * all, so a multi-event append torn by a crash never comes back in part. Frames of kind EVENT and GAP, one
 * entry each, are what logs written before appends became one frame hold; they are still read.
 */
export type LogEntry =
  | { readonly kind: 'event'; readonly event: StoredEvent }
  /** Log bytes that hold no event (a real node's epoch records): the head moves to `endPosition`. */
  | { readonly kind: 'gap'; readonly endPosition: bigint };

const EVENT = 1;
const GAP = 2;
/** A frame whose body is the length-prefixed bodies of several EVENT or GAP entries. */
const UNIT = 3;
const LENGTH = 4;
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
  constructor(
    private readonly buffer: Buffer,
    private offset = 0,
  ) {}
  atEnd(): boolean {
    return this.offset >= this.buffer.length;
  }
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
  /** A length-prefixed field, as a view on the buffer. */
  field(): Buffer {
    const length = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    if (this.offset + length > this.buffer.length) throw new RangeError('log entry field past its end');
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.field());
  }
  text(): string {
    return this.field().toString('utf8');
  }
}

/** Encodes the entries of one write as one frame: on disk they stand or fall together. */
export function encodeUnit(entries: readonly LogEntry[]): Buffer {
  const writer = new Writer().u8(UNIT);
  for (const entry of entries) writer.bytes(encodeEntry(entry));
  const body = writer.result();
  const frame = Buffer.alloc(LENGTH + body.length + TRAILER);
  frame.writeUInt32BE(body.length - 1);
  body.copy(frame, LENGTH);
  frame.writeUInt32BE(crc32(body), LENGTH + body.length);
  return frame;
}

/**
 * The whole frame that starts at `offset`, with its entries and where it ends; undefined when the bytes there
 * are no whole, intact frame (cut short, a failed checksum, or a body that does not parse).
 */
export function readUnit(buffer: Buffer, offset: number): { entries: LogEntry[]; end: number } | undefined {
  if (offset + LENGTH > buffer.length) return undefined;
  const bodyLength = buffer.readUInt32BE(offset) + 1;
  const end = offset + LENGTH + bodyLength + TRAILER;
  if (end > buffer.length) return undefined;
  const body = buffer.subarray(offset + LENGTH, offset + LENGTH + bodyLength);
  if (crc32(body) !== buffer.readUInt32BE(end - TRAILER)) return undefined;
  try {
    return { entries: decodeUnitBody(body), end };
  } catch {
    // A checksum that matches a body we cannot parse: not one of our frames.
    return undefined;
  }
}

function decodeUnitBody(body: Buffer): LogEntry[] {
  if (body.readUInt8(0) !== UNIT) return [decodeEntry(body)];
  const reader = new Reader(body, 1);
  const entries: LogEntry[] = [];
  while (!reader.atEnd()) entries.push(decodeEntry(reader.field()));
  return entries;
}

function encodeEntry(entry: LogEntry): Buffer {
  if (entry.kind === 'gap') return new Writer().u8(GAP).u64(entry.endPosition).result();
  const { event } = entry;
  return new Writer()
    .u8(EVENT)
    .u64(event.position)
    .u64(event.endPosition)
    .u64(event.eventNumber)
    .f64(event.createdMs)
    .u8(event.isJson ? 1 : 0)
    .text(event.eventId)
    .text(event.streamName)
    .text(event.eventType)
    .bytes(event.data)
    .bytes(event.metadata)
    .result();
}

function decodeEntry(body: Buffer): LogEntry {
  const reader = new Reader(body);
  const kind = reader.u8();
  if (kind === GAP) return { kind: 'gap', endPosition: reader.u64() };
  if (kind !== EVENT) throw new RangeError(`unknown log entry kind ${kind}`);
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
