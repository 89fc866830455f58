import { randomUUID } from 'node:crypto';
import type { ReadResponse } from './read-responses.js';
import { isVisibleInAll } from '../../store/all-filter.js';
import type { EventStore } from '../../store/event-store.js';
import type { StoredEvent } from '../../store/stored-event.js';
import { resolveRecord } from '../../store/link-resolution.js';
import {
  BEFORE_START,
  comparePositions,
  compareWirePositions,
  type LogPosition,
  positionOf,
  toWirePosition,
} from '../../store/log-position.js';
import { CommitSignal } from './commit-signal.js';
import { countAccepted, countFilteredPending, LiveBuffer } from './live-buffer.js';
import { forwardsStartIndex } from './read-all.js';
import type { ReadPlan } from './read-request.js';
import { invalidPosition } from './read-request-errors.js';
import {
  caughtUpResponse,
  checkpointResponse,
  confirmationResponse,
  eventResponse,
} from './read-responses.js';
import { READ_BATCH_SIZE } from './stream-pages.js';

type AllSubscriptionPlan = Extract<ReadPlan, { kind: 'subscribe-all' }>;
type AllSubscriptionFilter = NonNullable<AllSubscriptionPlan['filter']>;

/** `SubscriptionsService.DontReportCheckpointReached`: a live checkpoint interval of -1 reports none. */
const NO_LIVE_CHECKPOINTS = -1;

/**
 * A catch-up subscription to `$all`, optionally filtered, as 24.10 runs it (§3.8, §3.9;
 * Enumerator.AllSubscription.cs, Enumerator.AllSubscriptionFiltered.cs, SubscriptionsService.cs). The start point
 * is exclusive. After the confirmation it catches up from storage if the log has records past the start point,
 * then says `caught_up` and delivers what is committed after the confirmation and was not sent yet. A filtered
 * subscription also sends checkpoints: while catching up, each time the records considered reach
 * multiplier × window and once at the end of catching up; while live, at every interval-th committed record.
 * The call only ends when the client cancels or on error; `fell_behind` is never sent.
 */
export async function* subscribeToAll(
  store: EventStore,
  plan: AllSubscriptionPlan,
  signal: AbortSignal,
): AsyncGenerator<ReadResponse, void, undefined> {
  const commits = new CommitSignal(store);
  try {
    // The live subscription service confirms with the start of the last record it indexed (IndexCommitter.cs).
    const confirmedAt = store.log.length;
    const lastRecord = store.log.at(-1);
    const lastIndexed = lastRecord === undefined ? BEFORE_START : positionOf(lastRecord);
    yield confirmationResponse(randomUUID());

    const state: SubscriptionState = {
      checkpoint:
        plan.start.kind === 'start'
          ? BEFORE_START
          : plan.start.kind === 'end'
            ? lastIndexed
            : plan.start.position,
      lastCheckpointSent: undefined,
      cursor: confirmedAt,
      liveCounter: 0,
    };
    if (comparePositions(state.checkpoint, lastIndexed) < 0) {
      yield* catchUp(store, plan, state);
    }
    for (;;) {
      // Commits while `caught_up` waits for the client already count against the live buffer.
      const buffer = liveBufferOf(store, plan, state);
      yield caughtUpResponse();
      if (!(yield* live(store, plan, state, { buffer, commits, signal }))) return;
      // Falling behind (§3.8.1): a filtered subscription first sends where it got to, then catches up from there.
      if (plan.filter !== undefined) {
        const message = checkpointMessage(state, state.checkpoint);
        if (message !== undefined) yield message;
      }
      yield* catchUp(store, plan, state);
    }
  } finally {
    commits.close();
  }
}

interface SubscriptionState {
  /** The position of the last event or checkpoint sent on, or the client's start point. */
  checkpoint: LogPosition;
  /** The enumerator drops any checkpoint not after the last one it passed on, comparing wire values. */
  lastCheckpointSent: { commitPosition: bigint; preparePosition: bigint } | undefined;
  /** The live phase's place in the log: every record from the confirmation on passes it once. */
  cursor: number;
  /** The subscription service's count of records towards the next live checkpoint; it never restarts. */
  liveCounter: number;
}

/** A checkpoint message unless it is not after the last one sent. */
function checkpointMessage(state: SubscriptionState, position: LogPosition): ReadResponse | undefined {
  const wire = toWirePosition(position);
  if (state.lastCheckpointSent !== undefined && compareWirePositions(wire, state.lastCheckpointSent) <= 0) {
    return undefined;
  }
  state.lastCheckpointSent = wire;
  return checkpointResponse(position);
}

/** Catching up from storage. Reads start at the checkpoint (at 0 for `start`) and skip what is not after it. */
function* catchUp(
  store: EventStore,
  plan: AllSubscriptionPlan,
  state: SubscriptionState,
): Generator<ReadResponse, void, undefined> {
  const readFrom =
    state.checkpoint.commit < 0n && state.checkpoint.prepare < 0n
      ? { commit: 0n, prepare: 0n }
      : state.checkpoint;
  const startIndex = readFrom.commit < 0n ? undefined : forwardsStartIndex(store, readFrom.commit);
  if (startIndex === undefined) throw invalidPosition();
  if (plan.filter === undefined) {
    let index = startIndex;
    for (let record = store.log[index]; record !== undefined; record = store.log[index]) {
      index += 1;
      if (!isVisibleInAll(record)) continue;
      const message = eventIfNew(store, plan, state, record);
      if (message !== undefined) yield message;
    }
    return;
  }
  yield* catchUpFiltered(store, plan, plan.filter, state, { index: startIndex, position: readFrom });
}

/**
 * A filtered subscription reads in pages of at most 32 matches or `window` records considered, the way the
 * server does, because its checkpoints depend on them: when the records considered reach the interval, it sends
 * the later of the last event sent and the page's start.
 */
function* catchUpFiltered(
  store: EventStore,
  plan: AllSubscriptionPlan,
  filter: AllSubscriptionFilter,
  state: SubscriptionState,
  from: { readonly index: number; readonly position: LogPosition },
): Generator<ReadResponse, void, undefined> {
  let index = from.index;
  let pageStart: LogPosition = from.position;
  let nextPage: LogPosition = from.position;
  let matched = 0n;
  let considered = 0;
  let counter = 0;
  for (;;) {
    if (matched >= READ_BATCH_SIZE || considered >= filter.window) {
      // A full page that did not reach the end (AllReader.cs stops before its end-of-log test).
      counter += considered;
      if (counter >= filter.checkpointInterval) {
        if (filter.checkpointInterval === 0) throw new RangeError('Attempted to divide by zero.');
        counter %= filter.checkpointInterval;
        if (comparePositions(state.checkpoint, pageStart) < 0) state.checkpoint = pageStart;
        const message = checkpointMessage(state, state.checkpoint);
        if (message !== undefined) yield message;
      }
      pageStart = nextPage;
      matched = 0n;
      considered = 0;
      continue;
    }
    const record = store.log[index];
    if (record === undefined) {
      // The end of the log: one checkpoint, then live.
      const message = checkpointMessage(state, state.checkpoint);
      if (message !== undefined) yield message;
      return;
    }
    index += 1;
    considered += 1;
    nextPage = { commit: record.endPosition, prepare: 0n };
    if (!filter.matches(record)) continue;
    matched += 1n;
    const message = eventIfNew(store, plan, state, record);
    if (message !== undefined) yield message;
  }
}

/** The event read from storage, unless it is not after the checkpoint; it then becomes the checkpoint. */
function eventIfNew(
  store: EventStore,
  plan: AllSubscriptionPlan,
  state: SubscriptionState,
  record: StoredEvent,
): ReadResponse | undefined {
  const position = positionOf(record);
  if (comparePositions(position, state.checkpoint) <= 0) return undefined;
  state.checkpoint = position;
  return eventResponse(resolveRecord(store, record, plan.resolveLinks, 'read'), plan.uuidForm);
}

/** The live interval of the subscription service, -1 for none; its counter is an `int`. */
function liveIntervalOf(plan: AllSubscriptionPlan): number {
  return plan.filter === undefined ? NO_LIVE_CHECKPOINTS : plan.filter.checkpointInterval | 0;
}

/** What the live subscription service queues: the records it lets through, and a filtered one's checkpoints. */
function liveBufferOf(store: EventStore, plan: AllSubscriptionPlan, state: SubscriptionState): LiveBuffer {
  const filter = plan.filter;
  if (filter === undefined) {
    return new LiveBuffer(store.log, 1, (cursor, limit) =>
      countAccepted(store.log, isVisibleInAll, cursor, limit),
    );
  }
  const interval = liveIntervalOf(plan);
  return new LiveBuffer(store.log, 2, (cursor, limit) =>
    countFilteredPending(store.log, filter.matches, { interval, counter: state.liveCounter }, cursor, limit),
  );
}

/**
 * Live: every record committed since the confirmation, in order, as the subscription service passes them on.
 * Events and checkpoints not after what was already sent are skipped (Enumerator.AllSubscription*.cs `GoLive`).
 * The service counts every record for a filtered subscription, matching or not, and reports the position of each
 * interval-th one. Resolves true when the client fell too far behind (§3.8.1), false when cancelled.
 */
async function* live(
  store: EventStore,
  plan: AllSubscriptionPlan,
  state: SubscriptionState,
  { buffer, commits, signal }: { buffer: LiveBuffer; commits: CommitSignal; signal: AbortSignal },
): AsyncGenerator<ReadResponse, boolean, undefined> {
  const accepts = plan.filter?.matches ?? isVisibleInAll;
  const liveInterval = liveIntervalOf(plan);
  for (;;) {
    for (let record = store.log[state.cursor]; record !== undefined; record = store.log[state.cursor]) {
      state.cursor += 1;
      const position = positionOf(record);
      // The service counts the record before the enumerator sees its event.
      const reachesInterval = liveInterval !== NO_LIVE_CHECKPOINTS && ++state.liveCounter >= liveInterval;
      if (reachesInterval) state.liveCounter = 0;
      if (accepts(record) && comparePositions(position, state.checkpoint) > 0) {
        state.checkpoint = position;
        yield eventResponse(resolveRecord(store, record, plan.resolveLinks, 'live'), plan.uuidForm);
        if (buffer.fellBehind(state.cursor)) return true;
      }
      if (!reachesInterval || comparePositions(position, state.checkpoint) < 0) continue;
      state.checkpoint = position;
      const message = checkpointMessage(state, position);
      if (message === undefined) continue;
      yield message;
      if (buffer.fellBehind(state.cursor)) return true;
    }
    if (!(await commits.next(signal))) return false;
    buffer.drained();
  }
}
