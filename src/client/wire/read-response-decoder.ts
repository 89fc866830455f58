/**
 * Decodes `event_store.client.streams.ReadResp` (docs/protocol.md §2.4) into the client's own objects: events
 * become {@link RecordedEvent}s directly, the other members of the `content` oneof small tagged objects.
 * Subscriptions use the same decoder, hence the confirmation, checkpoint and caught-up members (§3.8).
 */
import { RecordedEvent } from '../events/recorded-event.js';
import {
  type DecodedRecordedEvent,
  decodeRecordedEventInit,
  decodeStreamIdentifier,
} from './recorded-event-decoder.js';
import { WireReader, WireType } from './wire-reader.js';

/** `stream_not_found`: a plain read of a missing or soft-deleted stream (§3.7). */
export interface StreamNotFoundMessage {
  readonly kind: 'stream-not-found';
  readonly streamName: string;
}

/** `confirmation`: the first message of a catch-up subscription (§3.8). */
export interface ConfirmationMessage {
  readonly kind: 'confirmation';
  readonly subscriptionId: string;
}

/** `checkpoint`: how far a filtered `$all` subscription has looked (§3.9). */
export interface CheckpointMessage {
  readonly kind: 'checkpoint';
  readonly commitPosition: bigint;
  readonly preparePosition: bigint;
}

/** `caught_up`: a subscription has delivered everything recorded so far (§3.8). */
export interface CaughtUpMessage {
  readonly kind: 'caught-up';
}

/**
 * `last_stream_position`: the number of the stream's last event, sent after a stream read's events when the
 * request asked for `control_option.compatibility` ≥ 1 (§3.7), even when older events are hidden by truncation.
 */
export interface LastStreamPositionMessage {
  readonly kind: 'last-stream-position';
  readonly position: bigint;
}

/**
 * Messages a reader has no use for: `first_stream_position`, `last_all_stream_position`, `fell_behind`, an
 * event message with neither event nor link in it, or an unknown member.
 */
export interface IgnoredMessage {
  readonly kind: 'ignored';
}

/** One decoded ReadResp. */
export type ReadMessage =
  | RecordedEvent
  | StreamNotFoundMessage
  | ConfirmationMessage
  | CheckpointMessage
  | CaughtUpMessage
  | LastStreamPositionMessage
  | IgnoredMessage;

const CAUGHT_UP: CaughtUpMessage = Object.freeze({ kind: 'caught-up' });
const IGNORED: IgnoredMessage = Object.freeze({ kind: 'ignored' });

/** Decodes one ReadResp message. */
export function decodeReadResponse(bytes: Uint8Array): ReadMessage {
  const reader = new WireReader(bytes);
  const length = reader.buf.length;
  let message: ReadMessage = IGNORED;
  // A oneof: the last member on the wire wins, as protobuf specifies.
  while (reader.pos < length) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType !== WireType.LengthDelimited) {
      // The varint members: first_stream_position (5), unused, and last_stream_position (6).
      if (field === 6 && wireType === WireType.Varint) {
        message = { kind: 'last-stream-position', position: reader.uint64() };
      } else {
        reader.skip(wireType);
        if (field === 5) message = IGNORED;
      }
      continue;
    }
    const end = reader.delimitedEnd();
    switch (field) {
      case 1:
        message = decodeReadEvent(reader, end);
        break;
      case 2:
        message = { kind: 'confirmation', subscriptionId: decodeConfirmation(reader, end) };
        break;
      case 3:
        message = decodeCheckpoint(reader, end);
        break;
      case 4:
        message = { kind: 'stream-not-found', streamName: decodeStreamNotFound(reader, end) };
        break;
      case 8:
        message = CAUGHT_UP;
        break;
      case 7:
      case 9:
        // last_all_stream_position and fell_behind: members the reader has no use for.
        message = IGNORED;
        break;
      default:
        // A field this client does not know: skipped, the member decoded so far stands.
        break;
    }
    reader.pos = end;
  }
  return message;
}

/**
 * ReadEvent: 1 event, 2 link, 3 commit_position / 4 no_position (§3.7). A resolved link has both: the target
 * becomes the RecordedEvent and the `$>` record its `link`. A link whose target is gone has no `event`: the link
 * itself is returned, as the persistent decoder delivers it and NODE exposes it (PY drops it), so that a read
 * shows every record it counted. Without a link this allocates no more than the event itself.
 */
function decodeReadEvent(reader: WireReader, end: number): RecordedEvent | IgnoredMessage {
  let event: DecodedRecordedEvent | undefined;
  let link: DecodedRecordedEvent | undefined;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WireType.LengthDelimited) {
      event = decodeRecordedEventInit(reader, reader.delimitedEnd());
    } else if (field === 2 && (tag & 7) === WireType.LengthDelimited) {
      link = decodeRecordedEventInit(reader, reader.delimitedEnd());
    } else {
      reader.skip(tag & 7);
    }
  }
  if (event === undefined) return link === undefined ? IGNORED : new RecordedEvent(link);
  if (link !== undefined) event.link = new RecordedEvent(link);
  return new RecordedEvent(event);
}

function decodeConfirmation(reader: WireReader, end: number): string {
  let subscriptionId = '';
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WireType.LengthDelimited) subscriptionId = reader.string();
    else reader.skip(tag & 7);
  }
  return subscriptionId;
}

function decodeCheckpoint(reader: WireReader, end: number): CheckpointMessage {
  let commitPosition = 0n;
  let preparePosition = 0n;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WireType.Varint) commitPosition = reader.uint64();
    else if (field === 2 && (tag & 7) === WireType.Varint) preparePosition = reader.uint64();
    else reader.skip(tag & 7);
  }
  return { kind: 'checkpoint', commitPosition, preparePosition };
}

function decodeStreamNotFound(reader: WireReader, end: number): string {
  let streamName = '';
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WireType.LengthDelimited) {
      streamName = decodeStreamIdentifier(reader, reader.delimitedEnd());
    } else {
      reader.skip(tag & 7);
    }
  }
  return streamName;
}
