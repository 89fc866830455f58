/**
 * `setStreamMetadata`: replaces a stream's metadata by appending a `$metadata` event of JSON to its metastream
 * `$$<name>` (docs/protocol.md §3.13), with optimistic concurrency on the metastream.
 */
import { checkExpectedPosition, checkStreamName } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { NewEvent } from '../events/new-event.js';
import { metadataJson } from '../wire/stream-metadata-json.js';
import { appendEvents } from './append-events.js';
import { checkStreamMetadata, metastreamOf, type StreamMetadataInit } from './stream-metadata.js';

/** The options of {@link EsdbClient.setStreamMetadata}. */
export interface SetStreamMetadataOptions extends CallControl {
  /** The stream whose metadata to set. */
  readonly streamName: string;
  /** The new metadata, which replaces the old as a whole: fields left out are no longer set. */
  readonly metadata: StreamMetadataInit;
  /**
   * The position of the current metadata in the metastream (`position` from `getStreamMetadata`), `null` if
   * there must be none yet, or a negative integer for no check. Default: no check (`-1`).
   */
  readonly expectedPosition?: number | bigint | null | undefined;
}

const KEYS = ['streamName', 'metadata', 'expectedPosition'];
const WHERE = 'setStreamMetadata';

/**
 * Appends the metadata event and returns its commit position.
 * @throws ExpectedPositionError when the metastream's last event is not where `expectedPosition` says.
 */
export async function setStreamMetadata(
  context: ClientContext,
  options: SetStreamMetadataOptions,
): Promise<bigint> {
  const { given, control } = methodOptions(options, KEYS, WHERE, true);
  const streamName = checkStreamName(given.streamName, `${WHERE}: streamName`);
  const metadata = checkStreamMetadata(given.metadata, `${WHERE}: metadata`);
  const expectedPosition = given.expectedPosition === undefined ? -1 : given.expectedPosition;
  checkExpectedPosition(expectedPosition, `${WHERE}: expectedPosition`);
  // The server reads metadata only from an event flagged JSON (§3.13).
  const event = new NewEvent({
    type: '$metadata',
    data: new TextEncoder().encode(metadataJson(metadata)),
    contentType: 'application/json',
  });
  return appendEvents(context, {
    streamName: metastreamOf(streamName),
    expectedPosition,
    events: [event],
    ...control,
  });
}
