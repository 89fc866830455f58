/**
 * `getStreamPosition`: the position of a stream's last event, or `null` when the stream does not exist, which
 * is the `expectedPosition` an append to it then needs.
 */
import { checkSignal, checkStreamName, checkTimeout } from '../arguments/checks.js';
import { optionsObject } from '../arguments/option-keys.js';
import type { CallControl } from '../calls/call-guard.js';
import { type ClientContext, guardCall, streamsCallMetadata, withFailover } from '../calls/client-context.js';
import { RecordedEvent } from '../events/recorded-event.js';
import { streamReadRequest } from '../wire/read-request.js';

/** The options of {@link EsdbClient.getStreamPosition}. */
export interface GetStreamPositionOptions extends CallControl {
  /** The stream. */
  readonly streamName: string;
}

const KEYS = ['streamName', 'timeout', 'signal'];

/**
 * Reads the stream backwards from its end, one event, as PY does (`get_stream_position`), and also asks for
 * `last_stream_position` (§3.7): that is the last event's number even when truncation hides the events.
 */
export async function getStreamPosition(
  context: ClientContext,
  options: GetStreamPositionOptions,
): Promise<bigint | null> {
  const where = 'getStreamPosition';
  const given = optionsObject(options, KEYS, where, true);
  const streamName = checkStreamName(given.streamName, `${where}: streamName`);
  const control = {
    timeout: checkTimeout(given.timeout, `${where}: timeout`),
    signal: checkSignal(given.signal, `${where}: signal`),
  };
  const request = streamReadRequest({
    streamName,
    position: undefined,
    backwards: true,
    limit: 1n,
    lastStreamPosition: true,
  });
  // A one-event read: repeating it on another node is safe.
  return withFailover(context, async (node) => {
    const guard = guardCall(context, control, false);
    let position: bigint | null = null;
    try {
      const options = { ...guard.callOptions, metadata: streamsCallMetadata(context, false) };
      for await (const message of node.reads.read(request, options)) {
        if (message instanceof RecordedEvent) {
          position ??= message.streamPosition;
        } else if (message.kind === 'last-stream-position') {
          position = message.position;
        } else if (message.kind === 'stream-not-found') {
          // Missing or soft-deleted (§3.7): appending with "no stream" is what works next (§3.2).
          return null;
        }
      }
    } catch (error) {
      throw guard.translate(error);
    } finally {
      guard.dispose();
    }
    return position;
  });
}
