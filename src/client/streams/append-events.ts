/**
 * `appendEvents`: records new events in one stream, atomically, with optimistic concurrency control, through
 * `Streams.Append` (docs/protocol.md §3.3).
 */
import type { AppendReq, AppendResp } from '../../generated/streams.js';
import { checkExpectedPosition, checkStreamName, type ExpectedState } from '../arguments/checks.js';
import { asyncIterableOf } from '../calls/async-iterable-of.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { ExpectedPositionError, GrpcError } from '../errors/esdb-errors.js';
import { NewEvent, type NewEventOptions } from '../events/new-event.js';
import { appendOptionsMessage, proposedMessageOf } from '../wire/append-request.js';

/** The options of {@link EsdbClient.appendEvents}. */
export interface AppendEventsOptions extends CallControl {
  /** The stream to append to. */
  readonly streamName: string;
  /**
   * What the stream must look like: `null` if it must not exist yet, the position of its last event (a
   * non-negative integer), or a negative integer to append whatever the stream holds. Required.
   */
  readonly expectedPosition: number | bigint | null;
  /** The events, recorded all or none. {@link NewEvent}s, or the options to make them from. */
  readonly events: readonly (NewEvent | NewEventOptions)[];
}

const KEYS = ['streamName', 'expectedPosition', 'events'];
const WHERE = 'appendEvents';

/** Checks the options; everything that can be wrong with them is found before the call starts. */
function checked(options: AppendEventsOptions): {
  streamName: string;
  expected: ExpectedState;
  events: NewEvent[];
  control: CallControl;
} {
  const { given, control } = methodOptions(options, KEYS, WHERE, true);
  const streamName = checkStreamName(given.streamName, `${WHERE}: streamName`);
  const expected = checkExpectedPosition(given.expectedPosition, `${WHERE}: expectedPosition`);
  const rawEvents: unknown = given.events;
  if (!Array.isArray(rawEvents)) throw new TypeError(`${WHERE}: events must be an array of NewEvent`);
  if (rawEvents.length === 0) {
    throw new RangeError(`${WHERE}: events must hold at least one event (streams cannot be created empty)`);
  }
  const events = rawEvents.map((event: unknown, index) => {
    if (event instanceof NewEvent) return event;
    if (typeof event !== 'object' || event === null) {
      throw new TypeError(`${WHERE}: events[${index}] must be a NewEvent`);
    }
    try {
      return new NewEvent(event as NewEventOptions);
    } catch (error) {
      throw new TypeError(`${WHERE}: events[${index}]: ${(error as Error).message}`, { cause: error });
    }
  });
  return { streamName, expected, events, control };
}

/** The messages of one Append call, made as they are sent. */
function* appendMessages(
  streamName: string,
  expected: ExpectedState,
  events: readonly NewEvent[],
): Generator<AppendReq> {
  yield appendOptionsMessage(streamName, expected);
  for (const event of events) yield proposedMessageOf(event);
}

/**
 * Appends `events` to a stream and returns the commit position of the last one.
 * @throws ExpectedPositionError when the stream's last event is not where `expectedPosition` says.
 */
export async function appendEvents(context: ClientContext, options: AppendEventsOptions): Promise<bigint> {
  const { streamName, expected, events, control } = checked(options);
  // Retried once on another node when this one went away or is not the leader: safe, since the event ids
  // make a repeated append idempotent (§3.3).
  const response = await withFailover(context, (node) =>
    node.streams.append(asyncIterableOf(appendMessages(streamName, expected, events)), control),
  );
  return commitPositionOf(response, streamName, expected);
}

/** The outcome of an Append: the last event's commit position, or the in-band wrong-expected-version (§3.3). */
function commitPositionOf(response: AppendResp, streamName: string, expected: ExpectedState): bigint {
  const result = response.result;
  if (result?.$case === 'success') {
    const position = result.value.positionOption;
    if (position?.$case === 'position') return position.value.commitPosition;
  } else if (result?.$case === 'wrongExpectedVersion') {
    const current = result.value.currentRevisionOption;
    throw new ExpectedPositionError(
      streamName,
      expected.kind === 'position' ? expected.position : expected.kind === 'any' ? -1n : null,
      current?.$case === 'currentRevision' ? current.value : null,
    );
  }
  // A success without a position happens only for empty writes (§3.3), which are not sent.
  throw new GrpcError({ code: 0, details: 'Append returned no commit position', trailers: {} });
}
