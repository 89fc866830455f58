/**
 * Decodes `event_store.client.persistent_subscriptions.ReadResp` (docs/protocol.md §2.5) into the client's own
 * objects: a delivered event becomes a {@link PersistentRecordedEvent}, the confirmation a small tagged object.
 */
import { PersistentRecordedEvent } from '../events/persistent-recorded-event.js';
import { RecordedEvent } from '../events/recorded-event.js';
import { type DecodedRecordedEvent, decodeRecordedEventInit } from './recorded-event-decoder.js';
import { WireReader, WireType } from './wire-reader.js';

/** `subscription_confirmation`: the first message of a Read, `<stream>::<group>` (§3.14, Read step 2). */
export interface SubscriptionConfirmationMessage {
  readonly kind: 'subscription-confirmation';
  readonly subscriptionId: string;
}

/** A message this client has no use for: an unknown member, or an event message with no event in it. */
export interface IgnoredPersistentMessage {
  readonly kind: 'ignored';
}

/** One decoded persistent ReadResp. */
export type PersistentReadMessage =
  PersistentRecordedEvent | SubscriptionConfirmationMessage | IgnoredPersistentMessage;

const IGNORED: IgnoredPersistentMessage = Object.freeze({ kind: 'ignored' });

/** Decodes one persistent ReadResp message. */
export function decodePersistentReadResponse(bytes: Uint8Array): PersistentReadMessage {
  const reader = new WireReader(bytes);
  const length = reader.buf.length;
  let message: PersistentReadMessage = IGNORED;
  // A oneof: the last member on the wire wins, as protobuf specifies.
  while (reader.pos < length) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType !== WireType.LengthDelimited) {
      reader.skip(wireType);
      continue;
    }
    const end = reader.delimitedEnd();
    if (field === 1) message = decodeReadEvent(reader, end);
    else if (field === 2) message = decodeConfirmation(reader, end);
    reader.pos = end;
  }
  return message;
}

/**
 * ReadEvent: 1 event, 2 link, 3 commit_position / 4 no_position, 5 retry_count / 6 no_retry_count (§2.5).
 * The delivered event is `event` (the link's target when links are resolved), with the `$>` record as its
 * `link`; acknowledgements must name the link's id when there is a link (§3.14, Read step 4; NODE acks
 * `link?.id ?? event.id`). A link whose target is gone arrives with no `event`: the link itself is then
 * delivered, with no `link`, so that it can still be acknowledged (as stream reads return it).
 */
function decodeReadEvent(
  reader: WireReader,
  end: number,
): PersistentRecordedEvent | IgnoredPersistentMessage {
  let event: DecodedRecordedEvent | undefined;
  let link: DecodedRecordedEvent | undefined;
  let retryCount = 0;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 1 && wireType === WireType.LengthDelimited) {
      event = decodeRecordedEventInit(reader, reader.delimitedEnd());
    } else if (field === 2 && wireType === WireType.LengthDelimited) {
      link = decodeRecordedEventInit(reader, reader.delimitedEnd());
    } else if (field === 5 && wireType === WireType.Varint) {
      // int32: the low 32 bits, signed.
      retryCount = reader.uint32() | 0;
    } else if (field === 6 && wireType === WireType.LengthDelimited) {
      // no_retry_count: never sent by the server (§2.5); the count stays 0.
      reader.skip(wireType);
      retryCount = 0;
    } else {
      reader.skip(wireType);
    }
  }
  if (event === undefined) {
    return link === undefined ? IGNORED : new PersistentRecordedEvent(link, retryCount, link.id);
  }
  if (link === undefined) return new PersistentRecordedEvent(event, retryCount, event.id);
  event.link = new RecordedEvent(link);
  return new PersistentRecordedEvent(event, retryCount, link.id);
}

function decodeConfirmation(reader: WireReader, end: number): SubscriptionConfirmationMessage {
  let subscriptionId = '';
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WireType.LengthDelimited) subscriptionId = reader.string();
    else reader.skip(tag & 7);
  }
  return { kind: 'subscription-confirmation', subscriptionId };
}
