import type { StoredEvent } from '../store/stored-event.js';
import { delimitedSize, ProtobufWriter, varint64Size, varintSize } from './protobuf-writer.js';
import type { UuidForm } from './uuid.js';

/*
 * `ReadResp{event: ReadEvent{...}}` written straight to bytes, for Streams.Read and PersistentSubscriptions.Read:
 * both declare `event` = 1 and the same ReadEvent fields 1–4 (event, link, commit_position, no_position), and the
 * persistent one adds `retry_count` = 5 (§2.4, §2.5). The RecordedEvent is filled as §3.7 and §3.10 say:
 * the id in the requested form, exactly the `type`, `created` and `content-type` metadata keys, the stored
 * bytes. Fields at their proto3 default are left out, as the generated codec does; oneof members never are.
 */

const JSON_CONTENT_TYPE = 'application/json';
const BINARY_CONTENT_TYPE = 'application/octet-stream';
const TYPE_KEY = 'type';
const CREATED_KEY = 'created';
const CONTENT_TYPE_KEY = 'content-type';

/** What one delivered message holds (§3.7 "How a ReadEvent is filled", §3.14 Read step 3). */
export interface ReadEventParts {
  /** The event, or the link's target; absent when a link did not resolve. */
  readonly event: StoredEvent | undefined;
  /** The `$>` record when a link was resolved or failed to resolve. */
  readonly link: StoredEvent | undefined;
  /** `commit_position`, the original record's position; undefined sends `no_position`. */
  readonly commitPosition: bigint | undefined;
  /** Persistent subscriptions put the original record's position in both RecordedEvents (§3.14). */
  readonly recordedPositions?: bigint;
  /** Persistent subscriptions always send `retry_count` (§3.14). */
  readonly retryCount?: number;
}

interface RecordedSizes {
  readonly total: number;
  readonly stream: number;
  readonly type: number;
  readonly contentType: string;
  readonly uuid: number;
  readonly entryType: number;
  readonly entryCreated: number;
  readonly entryContentType: number;
}

/** `UUID.Structured` body: the two halves, each left out when zero. */
function structuredSize(halves: readonly [bigint, bigint]): number {
  const [most, least] = halves;
  return (most === 0n ? 0 : 1 + varint64Size(most)) + (least === 0n ? 0 : 1 + varint64Size(least));
}

/** `UUID` body: `structured` (1, a message) or `string` (2). */
function uuidBodySize(eventId: string, form: UuidForm, halves: readonly [bigint, bigint]): number {
  return form === 'string' ? delimitedSize(eventId.length) : delimitedSize(structuredSize(halves));
}

function structuredHalves(eventId: string): [bigint, bigint] {
  const hex = eventId.replace(/-/g, '');
  return [
    BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)),
    BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)),
  ];
}

function mapEntrySize(key: string, valueBytes: number): number {
  return delimitedSize(key.length) + delimitedSize(valueBytes);
}

function measure(
  record: StoredEvent,
  form: UuidForm,
  halves: readonly [bigint, bigint],
  position: bigint,
): RecordedSizes {
  const stream = Buffer.byteLength(record.streamName, 'utf8');
  const type = Buffer.byteLength(record.eventType, 'utf8');
  const contentType = record.isJson ? JSON_CONTENT_TYPE : BINARY_CONTENT_TYPE;
  const uuid = uuidBodySize(record.eventId, form, halves);
  const entryType = mapEntrySize(TYPE_KEY, type);
  const entryCreated = mapEntrySize(CREATED_KEY, record.created.length);
  const entryContentType = mapEntrySize(CONTENT_TYPE_KEY, contentType.length);
  const positionSize = position === 0n ? 0 : 1 + varint64Size(position);
  const total =
    delimitedSize(uuid) +
    delimitedSize(delimitedSize(stream)) +
    (record.eventNumber === 0n ? 0 : 1 + varint64Size(record.eventNumber)) +
    2 * positionSize +
    delimitedSize(entryType) +
    delimitedSize(entryCreated) +
    delimitedSize(entryContentType) +
    (record.metadata.length === 0 ? 0 : delimitedSize(record.metadata.length)) +
    (record.data.length === 0 ? 0 : delimitedSize(record.data.length));
  return { total, stream, type, contentType, uuid, entryType, entryCreated, entryContentType };
}

function writeRecorded(
  writer: ProtobufWriter,
  record: StoredEvent,
  form: UuidForm,
  halves: readonly [bigint, bigint],
  position: bigint,
  sizes: RecordedSizes,
): void {
  writer.tag(1, 2).varint(sizes.uuid);
  if (form === 'string') {
    writer.tag(2, 2).string(record.eventId, record.eventId.length);
  } else {
    writer.tag(1, 2).varint(structuredSize(halves));
    if (halves[0] !== 0n) writer.tag(1, 0).varint64(halves[0]);
    if (halves[1] !== 0n) writer.tag(2, 0).varint64(halves[1]);
  }
  writer.tag(2, 2).varint(delimitedSize(sizes.stream)).tag(3, 2).string(record.streamName, sizes.stream);
  if (record.eventNumber !== 0n) writer.tag(3, 0).varint64(record.eventNumber);
  if (position !== 0n) writer.tag(4, 0).varint64(position).tag(5, 0).varint64(position);
  writer.tag(6, 2).varint(sizes.entryType);
  writer.tag(1, 2).string(TYPE_KEY, TYPE_KEY.length).tag(2, 2).string(record.eventType, sizes.type);
  writer.tag(6, 2).varint(sizes.entryCreated);
  writer
    .tag(1, 2)
    .string(CREATED_KEY, CREATED_KEY.length)
    .tag(2, 2)
    .string(record.created, record.created.length);
  writer.tag(6, 2).varint(sizes.entryContentType);
  writer.tag(1, 2).string(CONTENT_TYPE_KEY, CONTENT_TYPE_KEY.length);
  writer.tag(2, 2).string(sizes.contentType, sizes.contentType.length);
  if (record.metadata.length !== 0) writer.tag(7, 2).bytes(record.metadata);
  if (record.data.length !== 0) writer.tag(8, 2).bytes(record.data);
}

interface Part {
  readonly record: StoredEvent;
  readonly halves: readonly [bigint, bigint];
  readonly position: bigint;
  readonly sizes: RecordedSizes;
}

function part(
  record: StoredEvent | undefined,
  form: UuidForm,
  override: bigint | undefined,
): Part | undefined {
  if (record === undefined) return undefined;
  const halves: [bigint, bigint] = form === 'structured' ? structuredHalves(record.eventId) : [0n, 0n];
  const position = override ?? record.position;
  return { record, halves, position, sizes: measure(record, form, halves, position) };
}

/** The bytes of one `ReadResp` carrying an event, for either service. */
export function encodeReadEventResponse(parts: ReadEventParts, form: UuidForm): Buffer {
  const event = part(parts.event, form, parts.recordedPositions);
  const link = part(parts.link, form, parts.recordedPositions);
  const readEventSize =
    (event === undefined ? 0 : delimitedSize(event.sizes.total)) +
    (link === undefined ? 0 : delimitedSize(link.sizes.total)) +
    (parts.commitPosition === undefined ? 2 : 1 + varint64Size(parts.commitPosition)) +
    (parts.retryCount === undefined ? 0 : 1 + varintSize(parts.retryCount));
  const writer = new ProtobufWriter(delimitedSize(readEventSize));
  writer.tag(1, 2).varint(readEventSize);
  if (event !== undefined) {
    writer.tag(1, 2).varint(event.sizes.total);
    writeRecorded(writer, event.record, form, event.halves, event.position, event.sizes);
  }
  if (link !== undefined) {
    writer.tag(2, 2).varint(link.sizes.total);
    writeRecorded(writer, link.record, form, link.halves, link.position, link.sizes);
  }
  if (parts.commitPosition === undefined) writer.tag(4, 2).varint(0);
  else writer.tag(3, 0).varint64(parts.commitPosition);
  if (parts.retryCount !== undefined) writer.tag(5, 0).varint(parts.retryCount);
  return writer.finish();
}
