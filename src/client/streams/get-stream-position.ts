/**
 * `getStreamPosition`: the position of a stream's last event, or `null` when the stream does not exist, which
 * is the `expectedPosition` an append to it then needs.
 */
import { checkStreamName } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { RecordedEvent } from '../events/recorded-event.js';
import type { ReadMessage } from '../wire/read-response-decoder.js';
import { streamReadRequest } from '../wire/read-request.js';

/** The options of {@link EsdbClient.getStreamPosition}. */
export interface GetStreamPositionOptions extends CallControl {
  /** The stream. */
  readonly streamName: string;
}

const KEYS = ['streamName'];

/**
 * Reads the stream backwards from its end, one event, as PY does (`get_stream_position`), and also asks for
 * `last_stream_position` (§3.7): that is the last event's number even when truncation hides the events.
 */
export async function getStreamPosition(
  context: ClientContext,
  options: GetStreamPositionOptions,
): Promise<bigint | null> {
  const where = 'getStreamPosition';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const streamName = checkStreamName(given.streamName, `${where}: streamName`);
  const request = streamReadRequest({
    streamName,
    position: undefined,
    backwards: true,
    limit: 1n,
    resolveLinks: false,
    lastStreamPosition: true,
  });
  // A one-event read: repeating it on another node is safe. It answers at once, so the default deadline applies.
  return withFailover(
    context,
    control,
    (node, attempt) => positionOf(node.reads.read(request, { ...attempt, longLived: false })),
    { idempotent: true },
  );
}

/** The position a backwards read of one event says the stream's last event is at; `null` for no stream. */
async function positionOf(messages: AsyncIterable<ReadMessage>): Promise<bigint | null> {
  let position: bigint | null = null;
  for await (const message of messages) {
    if (message instanceof RecordedEvent) {
      position ??= message.streamPosition;
    } else if (message.kind === 'last-stream-position') {
      position = message.position;
    } else if (message.kind === 'stream-not-found') {
      // Missing or soft-deleted (§3.7): appending with "no stream" is what works next (§3.2).
      return null;
    }
  }
  return position;
}
