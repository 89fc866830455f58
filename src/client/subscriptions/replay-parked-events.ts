/**
 * `replayParkedEvents`: gives a persistent subscription group's parked events to its consumers again, through
 * `PersistentSubscriptions.ReplayParked` (docs/protocol.md §3.14, §3.14.1; servers from 21.10.1).
 */
import { checkGroupName, checkPosition } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { replayParkedRequest } from '../wire/persistent-management-requests.js';
import { groupSourceOf } from './group-source.js';

/** The options of {@link EsdbClient.replayParkedEvents}. */
export interface ReplayParkedEventsOptions extends CallControl {
  /** The group's name. */
  readonly groupName: string;
  /** The stream the group is on. Default: the group is on all streams (`'$all'`). */
  readonly streamName?: string | undefined;
  /**
   * Replay only the parked events numbered below `stopAt` in the group's parked-events stream. That stream
   * numbers parked events from 0 and keeps counting across replays, so on a group never replayed before,
   * `stopAt: n` replays the first n parked events. At least 1. Default: every parked event.
   */
  readonly stopAt?: number | bigint | undefined;
}

const KEYS = ['groupName', 'streamName', 'stopAt'];

/**
 * `stopAt` as the server takes it: an int64. 0 is refused too: the server accepts it, but its replay then
 * fails on a count of 0 and stays marked as running, so that no later replay starts (§3.14.1).
 */
function checkStopAt(value: unknown, where: string): bigint | undefined {
  if (value === undefined) return undefined;
  // checkPosition keeps it within an int64.
  const stopAt = checkPosition(value, where);
  if (stopAt < 1n) throw new RangeError(`${where} must be at least 1, got ${stopAt}`);
  return stopAt;
}

/**
 * Starts the replay: the server answers once it has begun, and the events then reach the consumers with
 * `retryCount` 0. A replay asked for while one is running is ignored.
 * @throws SubscriptionNotFoundError when the group does not exist.
 */
export async function replayParkedEvents(
  context: ClientContext,
  options: ReplayParkedEventsOptions,
): Promise<void> {
  const where = 'replayParkedEvents';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const groupName = checkGroupName(given.groupName, `${where}: groupName`);
  const source = groupSourceOf(given.streamName, `${where}: streamName`);
  const request = replayParkedRequest(source, groupName, checkStopAt(given.stopAt, `${where}: stopAt`));
  // Groups live on the leader (§3.14.1, "On other nodes"); a repeated replay is ignored while one runs.
  await withFailover(onLeader(context), control, (node) => node.persistent.replayParked(request, control));
}
