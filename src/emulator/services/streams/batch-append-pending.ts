import type { BatchAppendReq_Options, BatchAppendReq_ProposedMessage } from '../../../generated/streams.js';
import { dotnetExceptions } from '../../server/dotnet-exception.js';
import type { ExpectedRevision } from '../../store/expected-revision.js';
import type { ProposedEvent } from '../../store/stored-event.js';
import { guidFromDto } from '../../wire/dotnet-guid.js';
import { expectedRevisionOf } from '../../wire/expected-revision.js';
import { expectedRevisionAsServerReadsIt } from '../../wire/stream-revision.js';
import { streamNameOf } from '../../wire/stream-name.js';
import { eventSizeOnDisk, serverEvent } from '../../wire/server-event.js';

/** The CLR name of the oneof-case enum, for the text of an unset expected revision. */
const EXPECTED_POSITION_CASE =
  'EventStore.Client.Streams.BatchAppendReq+Types+Options+ExpectedStreamPositionOneofCase';

/** `TFConsts.EffectiveMaxLogRecordSize`: 16 MiB less the 10 000 bytes kept for a record's own fields. */

/**
 * One append of a BatchAppend call that has had its options but not yet its `is_final` chunk: the server's
 * `ClientWriteRequest` (Streams.BatchAppend.cs). The options are fixed by the first chunk that carries them;
 * every chunk adds its events and their sizes.
 */
export class PendingBatch {
  readonly events: ProposedEvent[] = [];
  /** Sum of the events' sizes, checked against `MaxAppendSize` after each chunk (§3.5, §3.18). */
  size = 0;

  private constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
  ) {}

  /** Reads the options the way `FromOptions` does; an unset or out-of-range expected revision throws. */
  static fromOptions(options: BatchAppendReq_Options): PendingBatch {
    const streamName = streamNameOf(options.streamIdentifier);
    const oneof = options.expectedStreamPosition;
    const expected = expectedRevisionOf(
      oneof?.$case === 'streamPosition' ? { $case: 'revision', value: oneof.value } : oneof,
      EXPECTED_POSITION_CASE,
    );
    return new PendingBatch(streamName, expectedRevisionAsServerReadsIt(expected));
  }

  /**
   * Adds one chunk's messages in order. A message the server cannot read throws; the messages before it stay
   * added, as the server's lazy `Select` inside `AddEvents` leaves them.
   */
  addAll(messages: readonly BatchAppendReq_ProposedMessage[]): void {
    for (const message of messages) {
      const { event, size } = proposedEventOf(message);
      this.size += size;
      this.events.push(event);
    }
  }
}

/**
 * A proposed message read as 24.10's `FromProposedMessage` and the `Event` constructor read it: the id first,
 * then `type` and `content-type` through protobuf's map indexer (a missing key throws KeyNotFoundException, not
 * the `missing-required-metadata-property` error of Append), then the constructor's checks. The size is
 * `Event.SizeOnDisk`: data + custom metadata + 2 bytes per UTF-16 unit of the type (§3.18; the 24.10.0 release
 * counted only the data, a precedence bug fixed in a later 24.10 patch, whose formula this follows).
 */
function proposedEventOf(message: BatchAppendReq_ProposedMessage): { event: ProposedEvent; size: number } {
  const eventId = guidFromDto(message.id);
  if (!Object.hasOwn(message.metadata, 'type')) throw dotnetExceptions.keyNotFound();
  const eventType = message.metadata.type ?? '';
  if (!Object.hasOwn(message.metadata, 'content-type')) throw dotnetExceptions.keyNotFound();
  const contentType = message.metadata['content-type'];
  const fields = { eventId, eventType, contentType, data: message.data, metadata: message.customMetadata };
  return { event: serverEvent(fields), size: eventSizeOnDisk(fields) };
}
