/**
 * Decodes a `ReadResp.ReadEvent.RecordedEvent` straight into a {@link RecordedEvent}. The streams and the
 * persistent-subscriptions protocols declare this message with the same fields (docs/protocol.md §2.4, §2.5):
 * 1 id (UUID), 2 stream_identifier, 3 stream_revision, 4 prepare_position, 5 commit_position,
 * 6 metadata (map: `type`, `created`, `content-type`, §3.10), 7 custom_metadata, 8 data.
 */
import type { RecordedEvent, RecordedEventInit } from '../events/recorded-event.js';
import { RecentString } from './recent-string.js';
import { uuidTextOfHalves } from './uuid.js';
import { WireReader, WireType } from './wire-reader.js';

const TYPE_KEY = Buffer.from('type');
const CREATED_KEY = Buffer.from('created');
const CONTENT_TYPE_KEY = Buffer.from('content-type');
const JSON_CONTENT_TYPE = 'application/json';
const JSON_CONTENT_TYPE_BYTES = Buffer.from(JSON_CONTENT_TYPE);
const OCTET_STREAM_CONTENT_TYPE = 'application/octet-stream';
const OCTET_STREAM_CONTENT_TYPE_BYTES = Buffer.from(OCTET_STREAM_CONTENT_TYPE);
const EMPTY = new Uint8Array(0);

// Decoding is synchronous, so one cache per field serves every read of the process.
const recentType = new RecentString();
const recentStreamName = new RecentString();

/** `created` is in 100-ns ticks since the Unix epoch (§3.10). */
const TICKS_PER_MILLISECOND = 10_000;

/** Whether buf[start, end) holds exactly `literal`: compares bytes, so the key is never decoded to a string. */
function bytesEqual(buf: Buffer, start: number, end: number, literal: Buffer): boolean {
  if (end - start !== literal.length) return false;
  for (let i = 0; i < literal.length; i += 1) {
    if (buf[start + i] !== literal[i]) return false;
  }
  return true;
}

/** Decimal digits in buf[start, end) as a number; imprecise past 2^53, which is far below a millisecond here. */
function decimalOf(buf: Buffer, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i += 1) {
    const digit = (buf[i] ?? 0) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** The mutable parts of one event while its metadata map is decoded. */
interface SystemMetadata {
  type: string;
  contentType: string;
  recordedAtMs: number;
}

function decodeMetadataEntry(reader: WireReader, end: number, into: SystemMetadata): void {
  const buf = reader.buf;
  let keyStart = 0;
  let keyEnd = 0;
  let valueStart = 0;
  let valueEnd = 0;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if ((field === 1 || field === 2) && (tag & 7) === WireType.LengthDelimited) {
      const fieldEnd = reader.delimitedEnd();
      if (field === 1) {
        keyStart = reader.pos;
        keyEnd = fieldEnd;
      } else {
        valueStart = reader.pos;
        valueEnd = fieldEnd;
      }
      reader.pos = fieldEnd;
    } else {
      reader.skip(tag & 7);
    }
  }
  // The server writes exactly these three keys (§3.10); their lengths (4, 7, 12) tell them apart cheaply.
  switch (keyEnd - keyStart) {
    case 4:
      if (bytesEqual(buf, keyStart, keyEnd, TYPE_KEY))
        into.type = recentType.decode(buf, valueStart, valueEnd);
      return;
    case 7:
      if (bytesEqual(buf, keyStart, keyEnd, CREATED_KEY)) {
        into.recordedAtMs = Math.floor(decimalOf(buf, valueStart, valueEnd) / TICKS_PER_MILLISECOND);
      }
      return;
    case 12:
      if (bytesEqual(buf, keyStart, keyEnd, CONTENT_TYPE_KEY))
        into.contentType = contentTypeOf(buf, valueStart, valueEnd);
      return;
    default:
      return;
  }
}

/** The server writes one of two content types (§3.10): reuse the constant strings instead of decoding. */
function contentTypeOf(buf: Buffer, start: number, end: number): string {
  if (bytesEqual(buf, start, end, JSON_CONTENT_TYPE_BYTES)) return JSON_CONTENT_TYPE;
  if (bytesEqual(buf, start, end, OCTET_STREAM_CONTENT_TYPE_BYTES)) return OCTET_STREAM_CONTENT_TYPE;
  return buf.toString('utf8', start, end);
}

/** Decodes a UUID in either form (§3.11) as lower-case text; empty when the message holds neither. */
export function decodeUuid(reader: WireReader, end: number): string {
  let text = '';
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 2 && (tag & 7) === WireType.LengthDelimited) {
      // ASCII text; the server writes it lower-case (.NET Guid.ToString), others may not.
      const textEnd = reader.delimitedEnd();
      text = reader.buf.toString('latin1', reader.pos, textEnd).toLowerCase();
      reader.pos = textEnd;
    } else if (field === 1 && (tag & 7) === WireType.LengthDelimited) {
      text = decodeStructuredUuid(reader, reader.delimitedEnd());
    } else {
      reader.skip(tag & 7);
    }
  }
  return text;
}

function decodeStructuredUuid(reader: WireReader, end: number): string {
  let mostSignificantBits = 0n;
  let leastSignificantBits = 0n;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WireType.Varint) mostSignificantBits = reader.uint64();
    else if (field === 2 && (tag & 7) === WireType.Varint) leastSignificantBits = reader.uint64();
    else reader.skip(tag & 7);
  }
  return uuidTextOfHalves(mostSignificantBits, leastSignificantBits);
}

/** Decodes a StreamIdentifier (field 3: the name's UTF-8 bytes). */
export function decodeStreamIdentifier(reader: WireReader, end: number): string {
  let name = '';
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 3 && (tag & 7) === WireType.LengthDelimited) {
      const nameEnd = reader.delimitedEnd();
      name = recentStreamName.decode(reader.buf, reader.pos, nameEnd);
      reader.pos = nameEnd;
    } else reader.skip(tag & 7);
  }
  return name;
}

/**
 * What a {@link RecordedEvent} is made from, as decoded. `link` starts undefined, in every object, so that all
 * of them have one shape; a ReadEvent's decoder sets it when the message also carries the `$>` link record.
 */
export interface DecodedRecordedEvent extends RecordedEventInit {
  link: RecordedEvent | undefined;
}

/**
 * Decodes the RecordedEvent message that ends at `end` (the reader is at its first field) into what a
 * {@link RecordedEvent} is made from, so that the caller can add the link and choose the class.
 */
export function decodeRecordedEventInit(reader: WireReader, end: number): DecodedRecordedEvent {
  let id = '';
  let streamName = '';
  let streamPosition = 0n;
  let commitPosition = 0n;
  let data: Uint8Array = EMPTY;
  let metadata: Uint8Array = EMPTY;
  const system: SystemMetadata = { type: '', contentType: '', recordedAtMs: Number.NaN };
  while (reader.pos < end) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wireType !== WireType.LengthDelimited) break;
        id = decodeUuid(reader, reader.delimitedEnd());
        continue;
      case 2:
        if (wireType !== WireType.LengthDelimited) break;
        streamName = decodeStreamIdentifier(reader, reader.delimitedEnd());
        continue;
      case 3:
        if (wireType !== WireType.Varint) break;
        streamPosition = reader.uint64();
        continue;
      case 5:
        if (wireType !== WireType.Varint) break;
        commitPosition = reader.uint64();
        continue;
      case 6:
        if (wireType !== WireType.LengthDelimited) break;
        decodeMetadataEntry(reader, reader.delimitedEnd(), system);
        continue;
      case 7:
        if (wireType !== WireType.LengthDelimited) break;
        metadata = reader.bytes();
        continue;
      case 8:
        if (wireType !== WireType.LengthDelimited) break;
        data = reader.bytes();
        continue;
      default:
        break;
    }
    reader.skip(wireType);
  }
  return {
    id,
    type: system.type,
    data,
    metadata,
    contentType: system.contentType,
    streamName,
    streamPosition,
    commitPosition,
    recordedAt: system.recordedAtMs,
    link: undefined,
  };
}
