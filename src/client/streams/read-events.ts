/**
 * `readStreamEvents` and `readAllEvents`: plain reads of one stream or of all streams (`$all`), forwards or
 * backwards, from a position, up to a limit, optionally resolving `$>` links, with server-side filters on event
 * types or stream names for `$all` (docs/protocol.md §3.7, §3.9).
 */
import {
  checkBoolean,
  checkLimit,
  checkPosition,
  checkRegexList,
  checkStreamName,
  INT64_MAX,
} from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { eventTypeRegexOf } from '../wire/event-type-filter.js';
import { recordFilterOf } from '../wire/filter-options.js';
import { allReadRequest, streamReadRequest } from '../wire/read-request.js';
import { ReadEventsResult } from './read-events-result.js';

/** The options of {@link EsdbClient.readStreamEvents}. */
export interface ReadStreamEventsOptions extends CallControl {
  /** The stream to read. */
  readonly streamName: string;
  /**
   * The position to start from; the event there is included, forwards and backwards. Default: the first
   * event, or the last one when reading backwards.
   */
  readonly position?: number | bigint | undefined;
  /** Read from the end towards the start. Default `false`. */
  readonly backwards?: boolean | undefined;
  /** The most events to return. Default: no limit. */
  readonly limit?: number | bigint | undefined;
  /**
   * Return the event each `$>` link points to instead of the link, with the link as its
   * {@link RecordedEvent.link}. A link whose target is gone is returned as itself. Default `false`.
   */
  readonly resolveLinks?: boolean | undefined;
}

/** The options of {@link EsdbClient.readAllEvents}. */
export interface ReadAllEventsOptions extends CallControl {
  /**
   * The commit position to start from; it must be the position of an event. Forwards, the event there is
   * included; backwards, it is not. Default: the start, or the end when reading backwards.
   */
  readonly commitPosition?: number | bigint | undefined;
  /** Read from the end towards the start. Default `false`. */
  readonly backwards?: boolean | undefined;
  /**
   * Regular expressions for event types (or stream names, with `filterByStreamName`) to leave out; each must
   * match the whole type or name. Ignored when `filterInclude` is not empty. Default `[ESDB_EVENTS_REGEX]`:
   * system events (or system streams) are left out.
   */
  readonly filterExclude?: readonly string[] | undefined;
  /**
   * Regular expressions for the only event types (or stream names, with `filterByStreamName`) to return; each
   * must match the whole type or name. Default `[]`.
   */
  readonly filterInclude?: readonly string[] | undefined;
  /**
   * Match `filterInclude` and `filterExclude` against the names of the events' streams instead of their types.
   * Default `false`.
   */
  readonly filterByStreamName?: boolean | undefined;
  /** The most events to return, counted after filtering (the server filters). Default: no limit. */
  readonly limit?: number | bigint | undefined;
  /**
   * Return the event each `$>` link points to instead of the link, with the link as its
   * {@link RecordedEvent.link}. The filters apply to the links themselves (type `$>`, the link's stream), so the
   * default `filterExclude` leaves links out. A link whose target is gone is returned as itself.
   * Default `false`.
   */
  readonly resolveLinks?: boolean | undefined;
}

const STREAM_KEYS = ['streamName', 'position', 'backwards', 'limit', 'resolveLinks'];
const ALL_KEYS = [
  'commitPosition',
  'backwards',
  'filterExclude',
  'filterInclude',
  'filterByStreamName',
  'limit',
  'resolveLinks',
];

/** "No limit": PY's `sys.maxsize`, a count every server accepts (§5). */
const NO_LIMIT = INT64_MAX;

/** Checks the options of a stream read and prepares it; nothing is sent until the result is iterated. */
export function readStreamEvents(context: ClientContext, options: ReadStreamEventsOptions): ReadEventsResult {
  const where = 'readStreamEvents';
  const { given, control } = methodOptions(options, STREAM_KEYS, where, true);
  const streamName = checkStreamName(given.streamName, `${where}: streamName`);
  const request = streamReadRequest({
    resolveLinks: checkBoolean(given.resolveLinks, `${where}: resolveLinks`) ?? false,
    streamName,
    position: given.position === undefined ? undefined : checkPosition(given.position, `${where}: position`),
    backwards: checkBoolean(given.backwards, `${where}: backwards`) ?? false,
    limit: given.limit === undefined ? NO_LIMIT : checkLimit(given.limit, `${where}: limit`),
  });
  return new ReadEventsResult(context, request, control, streamName);
}

/** Checks the options of a `$all` read and prepares it; nothing is sent until the result is iterated. */
export function readAllEvents(
  context: ClientContext,
  options: ReadAllEventsOptions | undefined,
): ReadEventsResult {
  const where = 'readAllEvents';
  const { given, control } = methodOptions(options, ALL_KEYS, where, false);
  const request = allReadRequest({
    resolveLinks: checkBoolean(given.resolveLinks, `${where}: resolveLinks`) ?? false,
    commitPosition:
      given.commitPosition === undefined
        ? undefined
        : checkPosition(given.commitPosition, `${where}: commitPosition`),
    backwards: checkBoolean(given.backwards, `${where}: backwards`) ?? false,
    limit: given.limit === undefined ? NO_LIMIT : checkLimit(given.limit, `${where}: limit`),
    filter: recordFilterOf(
      eventTypeRegexOf(
        checkRegexList(given.filterInclude, `${where}: filterInclude`),
        checkRegexList(given.filterExclude, `${where}: filterExclude`),
      ),
      checkBoolean(given.filterByStreamName, `${where}: filterByStreamName`) ?? false,
    ),
  });
  return new ReadEventsResult(context, request, control, undefined);
}
