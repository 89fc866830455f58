/**
 * `getStreamMetadata`: a stream's metadata, from the newest event of its metastream `$$<name>`, with that
 * event's position for optimistic concurrency on the metastream (docs/protocol.md §3.13).
 */
import { checkStreamName } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { RecordedEvent } from '../events/recorded-event.js';
import type { ReadMessage } from '../wire/read-response-decoder.js';
import { streamReadRequest } from '../wire/read-request.js';
import { metadataOfJson } from '../wire/stream-metadata-json.js';
import { metastreamOf, type StreamMetadata } from './stream-metadata.js';

/** The options of {@link EsdbClient.getStreamMetadata}. */
export interface GetStreamMetadataOptions extends CallControl {
  /** The stream whose metadata to get. */
  readonly streamName: string;
}

/** What {@link EsdbClient.getStreamMetadata} returns. */
export interface GetStreamMetadataResult {
  /** The stream's metadata; `{}` when none was ever set. */
  readonly metadata: StreamMetadata;
  /**
   * The position of the metadata in the metastream, to give as `expectedPosition` to `setStreamMetadata`;
   * `null` when no metadata was ever set.
   */
  readonly position: bigint | null;
}

const KEYS = ['streamName'];

/**
 * Reads the metastream backwards from its end, one event, as the official clients do; the newest metadata
 * event is the whole metadata (§3.13).
 */
export async function getStreamMetadata(
  context: ClientContext,
  options: GetStreamMetadataOptions,
): Promise<GetStreamMetadataResult> {
  const where = 'getStreamMetadata';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const streamName = checkStreamName(given.streamName, `${where}: streamName`);
  const request = streamReadRequest({
    streamName: metastreamOf(streamName),
    position: undefined,
    backwards: true,
    limit: 1n,
    resolveLinks: false,
  });
  // A one-event read: safe to repeat on another node, and quick, so the default deadline applies.
  return withFailover(
    context,
    control,
    (node, attempt) => resultOf(node.reads.read(request, { ...attempt, longLived: false })),
    { idempotent: true },
  );
}

async function resultOf(messages: AsyncIterable<ReadMessage>): Promise<GetStreamMetadataResult> {
  let result: GetStreamMetadataResult = { metadata: {}, position: null };
  for await (const message of messages) {
    if (message instanceof RecordedEvent) {
      result = {
        metadata: metadataOfJson(new TextDecoder().decode(message.data)),
        position: message.streamPosition,
      };
    }
  }
  // A metastream that does not exist answers stream_not_found (§3.7): no metadata yet.
  return result;
}
