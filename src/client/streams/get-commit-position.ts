/**
 * `getCommitPosition`: the commit position of the last recorded event in the database, for measuring how far
 * a downstream component processing all events has got.
 */
import { checkRegexList } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { RecordedEvent } from '../events/recorded-event.js';
import { eventTypeRegexOf } from '../wire/event-type-filter.js';
import { recordFilterOf } from '../wire/filter-options.js';
import { allReadRequest } from '../wire/read-request.js';

/** The options of {@link EsdbClient.getCommitPosition}. */
export interface GetCommitPositionOptions extends CallControl {
  /**
   * Event types whose events do not count, as regular expressions matching the whole type. Default
   * `[ESDB_EVENTS_REGEX]`: system events do not count.
   */
  readonly filterExclude?: readonly string[] | undefined;
}

const KEYS = ['filterExclude'];

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
  const { given, control } = methodOptions(options, KEYS, where, false);
  const request = allReadRequest({
    resolveLinks: false,
    commitPosition: undefined,
    backwards: true,
    limit: 1n,
    filter: recordFilterOf(
      eventTypeRegexOf(undefined, checkRegexList(given.filterExclude, `${where}: filterExclude`)),
      false,
    ),
  });
  // A one-event read: repeating it on another node is safe. It answers at once, so the default deadline applies.
  return withFailover(
    context,
    control,
    async (node, attempt) => {
      let commitPosition = 0n;
      for await (const message of node.reads.read(request, { ...attempt, longLived: false })) {
        if (message instanceof RecordedEvent) commitPosition = message.commitPosition;
      }
      return commitPosition;
    },
    { idempotent: true },
  );
}
