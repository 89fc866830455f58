/**
 * `getCommitPosition`: the commit position of the last recorded event in the database, for measuring how far
 * a downstream component processing all events has got.
 */
import { checkRegexList, checkSignal, checkTimeout } from '../arguments/checks.js';
import { optionsObject } from '../arguments/option-keys.js';
import type { CallControl } from '../calls/call-guard.js';
import { type ClientContext, guardCall, streamsCallMetadata, withFailover } from '../calls/client-context.js';
import { RecordedEvent } from '../events/recorded-event.js';
import { eventTypeRegexOf } from '../wire/event-type-filter.js';
import { allReadRequest } from '../wire/read-request.js';

/** The options of {@link EsdbClient.getCommitPosition}. */
export interface GetCommitPositionOptions extends CallControl {
  /**
   * Event types whose events do not count, as regular expressions matching the whole type. Default
   * `[ESDB_EVENTS_REGEX]`: system events do not count.
   */
  readonly filterExclude?: readonly string[] | undefined;
}

const KEYS = ['filterExclude', 'timeout', 'signal'];

/**
 * Reads `$all` backwards from the end, one event, with the same default filter as reads and subscriptions, as
 * PY does (`get_commit_position`). System events do not count by default: the server writes them on its own
 * (stream metadata, deletions, projections, ...), and a downstream component reading with the default filter
 * never receives them, so counting them would make such a component look forever behind. 0 when no event
 * counts.
 */
export async function getCommitPosition(
  context: ClientContext,
  options: GetCommitPositionOptions | undefined,
): Promise<bigint> {
  const where = 'getCommitPosition';
  const given = optionsObject(options, KEYS, where, false);
  const request = allReadRequest({
    commitPosition: undefined,
    backwards: true,
    limit: 1n,
    eventTypeRegex: eventTypeRegexOf(
      undefined,
      checkRegexList(given.filterExclude, `${where}: filterExclude`),
    ),
  });
  const control = {
    timeout: checkTimeout(given.timeout, `${where}: timeout`),
    signal: checkSignal(given.signal, `${where}: signal`),
  };
  // A one-event read: repeating it on another node is safe.
  return withFailover(context, async (node) => {
    const guard = guardCall(context, control, false);
    let commitPosition = 0n;
    try {
      const options = { ...guard.callOptions, metadata: streamsCallMetadata(context, false) };
      for await (const message of node.reads.read(request, options)) {
        if (message instanceof RecordedEvent) commitPosition = message.commitPosition;
      }
    } catch (error) {
      throw guard.translate(error);
    } finally {
      guard.dispose();
    }
    return commitPosition;
  });
}
