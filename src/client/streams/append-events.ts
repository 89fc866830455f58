/**
 * `appendEvents`: records new events in one stream, atomically, with optimistic concurrency control: over the
 * node's shared `Streams.BatchAppend` call (docs/protocol.md §3.5) when the node lists it in its features
 * (§3.16), else through one `Streams.Append` call (§3.3). Both give the same results and the same errors.
 */
import { Status } from 'nice-grpc';
import { type AppendReq, type AppendResp, StreamsDefinition } from '../../generated/streams.js';
import { checkExpectedPosition, checkStreamName, type ExpectedState } from '../arguments/checks.js';
import { asyncIterableOf } from '../calls/async-iterable-of.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withinCallControl } from '../calls/bounded-wait.js';
import { withFailover } from '../calls/failover.js';
import type { NodeClients } from '../connection/node-clients.js';
import { ExpectedPositionError, GrpcError } from '../errors/esdb-errors.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { NewEvent, type NewEventOptions } from '../events/new-event.js';
import { featuresOf } from '../features/get-server-features.js';
import { appendOptionsMessage, proposedMessageOf } from '../wire/append-request.js';
import { fitsBatchAppend } from '../wire/batch-append-request.js';

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
  // Array.from visits the holes of a sparse array (map skips them), so `[a, , b]` is refused at events[1].
  const events = Array.from(rawEvents as unknown[], (event: unknown, index) => {
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
  // Sent to the leader, which alone writes, so that a client preferring followers keeps reading from them
  // rather than following `not-leader` there. Retried once on another node when this one went away or is not
  // the leader: safe, since the event ids make a repeated append idempotent (§3.3, §3.6).
  return withFailover(onLeader(context), control, (node) =>
    appendOn(node, streamName, expected, events, control),
  );
}

/** One attempt on `node`: over its shared BatchAppend call when it has one (§3.5, §3.16), else over Append. */
async function appendOn(
  node: NodeClients,
  streamName: string,
  expected: ExpectedState,
  events: readonly NewEvent[],
  control: CallControl,
): Promise<bigint> {
  const batch = await batchSupportOf(node, events, control);
  if (batch !== undefined) {
    try {
      return await node.appends.append({ streamName, expected, events, ...batch }, control);
    } catch (error) {
      // A server that lists BatchAppend but does not serve it: this append, and the node's later ones, use
      // Append (the appender remembers).
      if (!(error instanceof GrpcError && error.code === (Status.UNIMPLEMENTED as number))) throw error;
    }
  }
  const response = await node.streams.append(
    asyncIterableOf(appendMessages(streamName, expected, events)),
    control,
  );
  return commitPositionOf(response, streamName, expected);
}

/** How each node takes BatchAppend requests, once its ServerFeatures answer is known; null when it does not. */
const BATCH_SUPPORT = new WeakMap<NodeClients, BatchSupport | null>();

type BatchSupport = { readonly durationDeadline: boolean };

/**
 * Whether these events go over the node's BatchAppend call, and with which deadline field; undefined for
 * Append: the node does not list BatchAppend or answered it UNIMPLEMENTED, or one event is too large for the
 * shared call. Once the node's answer is known, this is a map lookup: no timer, no wait on the question.
 */
async function batchSupportOf(
  node: NodeClients,
  events: readonly NewEvent[],
  control: CallControl,
): Promise<BatchSupport | undefined> {
  if (node.appends.unimplemented || !fitsBatchAppend(events)) return undefined;
  const known = BATCH_SUPPORT.get(node);
  return (known === undefined ? await askBatchSupport(node, control) : known) ?? undefined;
}

/**
 * Reads the node's ServerFeatures answer, asked once and shared (with the client's deadline); this append
 * waits for it only as long as its own timeout and signal allow.
 */
async function askBatchSupport(node: NodeClients, control: CallControl): Promise<BatchSupport | null> {
  const features = await withinCallControl(featuresOf(node), control);
  const service = StreamsDefinition.fullName;
  const support = features.supports(service, 'BatchAppend')
    ? { durationDeadline: features.supports(service, 'BatchAppend', 'deadline_duration') }
    : null;
  BATCH_SUPPORT.set(node, support);
  return support;
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
  throw new ProtocolError(
    'the Append response has no commit position, which only an empty append may lack (§3.3).',
  );
}
