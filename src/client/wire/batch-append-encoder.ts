/**
 * Encodes one `BatchAppendReq` (docs/protocol.md §3.5) straight from the append's own values into one Buffer of
 * the message's exact size, each event's data and metadata copied once. The bytes are those the generated
 * encoder (src/generated/streams.ts) writes for the same message, field by field in the same order, with the
 * same fields left out when empty; test/client/batch-append-encoder.test.ts holds the two side by side.
 *
 * Field numbers, from streams.proto: BatchAppendReq 1 correlation_id, 2 options, 3 proposed_messages,
 * 4 is_final; Options 1 stream_identifier, 2 stream_position, 3 no_stream, 4 any, 6 deadline_21_10_0,
 * 7 deadline; ProposedMessage 1 id, 2 metadata (map entries: 1 key, 2 value), 3 custom_metadata, 4 data;
 * UUID 2 string; StreamIdentifier 3 stream_name; Duration and Timestamp 1 seconds, 2 nanos.
 */
import type { ExpectedState } from '../arguments/checks.js';
import type { NewEvent } from '../events/new-event.js';
import { signedVarintSize, utf8Size, varintSize, WireWriter } from './wire-writer.js';

/** The deadline as the request carries it: a relative Duration or an absolute Timestamp, in seconds + nanos. */
export interface WireDeadline {
  readonly field: 'duration' | 'timestamp';
  readonly seconds: bigint;
  readonly nanos: number;
}

/** The options of an append, sent with its first message. */
export interface BatchOptions {
  readonly streamName: string;
  readonly expected: ExpectedState;
  readonly deadline: WireDeadline | undefined;
}

/** What the encoder reads of an event. */
export type WireEvent = Pick<NewEvent, 'id' | 'type' | 'contentType' | 'data' | 'metadata'>;

/** One message of an append: the events `events[from]` up to (not including) `events[to]`. */
export interface BatchChunk {
  readonly correlationId: string;
  readonly options: BatchOptions | undefined;
  readonly events: readonly WireEvent[];
  readonly from: number;
  readonly to: number;
  readonly isFinal: boolean;
}

/** A length-delimited field with a one-byte tag (every field here is numbered below 16). */
const TAG = {
  correlationId: 0x0a,
  options: 0x12,
  proposedMessage: 0x1a,
  isFinal: 0x20,
  streamIdentifier: 0x0a,
  streamPosition: 0x10,
  noStream: 0x1a,
  any: 0x22,
  timestamp: 0x32,
  duration: 0x3a,
  id: 0x0a,
  metadataEntry: 0x12,
  customMetadata: 0x1a,
  data: 0x22,
  uuidString: 0x12,
  streamName: 0x1a,
  key: 0x0a,
  value: 0x12,
  seconds: 0x08,
  nanos: 0x10,
} as const;

const TYPE_KEY = 'type';
const CONTENT_TYPE_KEY = 'content-type';

/** Tag, length and body of a length-delimited field whose body takes `body` bytes. */
function delimited(body: number): number {
  return 1 + varintSize(body) + body;
}

/** A string or bytes field, left out when empty as proto3 does. */
function optional(length: number): number {
  return length === 0 ? 0 : delimited(length);
}

/** The sizes one event's fields take, gathered before anything is written. */
interface EventSizes {
  readonly id: number;
  readonly type: number;
  readonly contentType: number;
  readonly body: number;
}

function eventSizesOf(event: WireEvent): EventSizes {
  const id = utf8Size(event.id);
  const type = utf8Size(event.type);
  const contentType = utf8Size(event.contentType);
  const body =
    delimited(delimited(id)) +
    delimited(optional(TYPE_KEY.length) + optional(type)) +
    delimited(optional(CONTENT_TYPE_KEY.length) + optional(contentType)) +
    optional(event.metadata.byteLength) +
    optional(event.data.byteLength);
  return { id, type, contentType, body };
}

function optionsBodyOf(options: BatchOptions, streamNameSize: number): number {
  let size = delimited(optional(streamNameSize));
  const expected = options.expected;
  size += expected.kind === 'position' ? 1 + signedVarintSize(expected.position) : 2;
  if (options.deadline !== undefined) size += delimited(timeBodyOf(options.deadline));
  return size;
}

function timeBodyOf(time: WireDeadline): number {
  return (
    (time.seconds === 0n ? 0 : 1 + signedVarintSize(time.seconds)) +
    (time.nanos === 0 ? 0 : 1 + signedVarintSize(BigInt(time.nanos)))
  );
}

/** The encoded `BatchAppendReq` of one chunk. */
export function encodeBatchChunk(chunk: BatchChunk): Buffer {
  const correlationSize = utf8Size(chunk.correlationId);
  const options = chunk.options;
  const streamNameSize = options === undefined ? 0 : utf8Size(options.streamName);
  const optionsBody = options === undefined ? 0 : optionsBodyOf(options, streamNameSize);
  const sizes: EventSizes[] = [];
  let size = delimited(delimited(correlationSize)) + (options === undefined ? 0 : delimited(optionsBody));
  for (let i = chunk.from; i < chunk.to; i += 1) {
    const eventSizes = eventSizesOf(chunk.events[i] as WireEvent);
    sizes.push(eventSizes);
    size += delimited(eventSizes.body);
  }
  if (chunk.isFinal) size += 2;

  const writer = new WireWriter(size);
  writeUuidField(writer, TAG.correlationId, chunk.correlationId, correlationSize);
  if (options !== undefined) writeOptions(writer, options, optionsBody, streamNameSize);
  for (let i = chunk.from; i < chunk.to; i += 1) {
    writeEvent(writer, chunk.events[i] as WireEvent, sizes[i - chunk.from] as EventSizes);
  }
  if (chunk.isFinal) {
    writer.varint(TAG.isFinal);
    writer.varint(1);
  }
  // The buffer is not zeroed: a size computed wrong must not send whatever memory it held.
  if (writer.pos !== size) throw new RangeError(`BatchAppendReq: wrote ${writer.pos} bytes of ${size}`);
  return writer.buf;
}

/** A UUID message in its string form (field 2), as the field `tag`. */
function writeUuidField(writer: WireWriter, tag: number, text: string, textSize: number): void {
  writer.varint(tag);
  writer.varint(delimited(textSize));
  writeString(writer, TAG.uuidString, text, textSize);
}

/** A string field, left out when empty. */
function writeString(writer: WireWriter, tag: number, text: string, textSize: number): void {
  if (textSize === 0) return;
  writer.varint(tag);
  writer.varint(textSize);
  writer.string(text, textSize);
}

/** A bytes field, left out when empty. */
function writeBytes(writer: WireWriter, tag: number, bytes: Uint8Array): void {
  if (bytes.byteLength === 0) return;
  writer.varint(tag);
  writer.varint(bytes.byteLength);
  writer.bytes(bytes);
}

function writeOptions(writer: WireWriter, options: BatchOptions, body: number, streamNameSize: number): void {
  writer.varint(TAG.options);
  writer.varint(body);
  writer.varint(TAG.streamIdentifier);
  writer.varint(optional(streamNameSize));
  writeString(writer, TAG.streamName, options.streamName, streamNameSize);
  const expected = options.expected;
  if (expected.kind === 'position') {
    writer.varint(TAG.streamPosition);
    writer.signedVarint(expected.position);
  } else {
    // The empty message of no_stream or any: its tag and a zero length.
    writer.varint(expected.kind === 'no-stream' ? TAG.noStream : TAG.any);
    writer.varint(0);
  }
  const deadline = options.deadline;
  if (deadline === undefined) return;
  writer.varint(deadline.field === 'duration' ? TAG.duration : TAG.timestamp);
  writer.varint(timeBodyOf(deadline));
  if (deadline.seconds !== 0n) {
    writer.varint(TAG.seconds);
    writer.signedVarint(deadline.seconds);
  }
  if (deadline.nanos !== 0) {
    writer.varint(TAG.nanos);
    writer.signedVarint(BigInt(deadline.nanos));
  }
}

/** A proposed message with the two metadata entries the server requires (§3.10), type first. */
function writeEvent(writer: WireWriter, event: WireEvent, sizes: EventSizes): void {
  writer.varint(TAG.proposedMessage);
  writer.varint(sizes.body);
  writeUuidField(writer, TAG.id, event.id, sizes.id);
  writeEntry(writer, TYPE_KEY, event.type, sizes.type);
  writeEntry(writer, CONTENT_TYPE_KEY, event.contentType, sizes.contentType);
  writeBytes(writer, TAG.customMetadata, event.metadata);
  writeBytes(writer, TAG.data, event.data);
}

/** One entry of the metadata map, whose key is ASCII. */
function writeEntry(writer: WireWriter, key: string, value: string, valueSize: number): void {
  writer.varint(TAG.metadataEntry);
  writer.varint(optional(key.length) + optional(valueSize));
  writeString(writer, TAG.key, key, key.length);
  writeString(writer, TAG.value, value, valueSize);
}
