import { randomUUID } from 'node:crypto';
import type { ReadResponse } from './read-responses.js';
import { rpcErrors } from '../../server/rpc-error.js';
import type { EventStore } from '../../store/event-store.js';
import { resolveRecord } from '../../store/link-resolution.js';
import { STREAM_DELETED_EVENT_TYPE } from '../../store/stored-event.js';
import { CommitSignal } from './commit-signal.js';
import { countAccepted, LiveBuffer } from './live-buffer.js';
import type { ReadPlan } from './read-request.js';
import { caughtUpResponse, confirmationResponse, eventResponse } from './read-responses.js';
import { forwardsPage, READ_BATCH_SIZE } from './stream-pages.js';

type StreamSubscriptionPlan = Extract<ReadPlan, { kind: 'subscribe-stream' }>;

/** Where the subscription stands: the event number last sent on (or the client's start point), the live cursor. */
interface StreamSubscriptionState {
  checkpoint: bigint;
  cursor: number;
}

/**
 * A catch-up subscription to one stream, as 24.10 runs it (§3.8; Enumerator.StreamSubscription.cs,
 * SubscriptionsService.cs). The start point is exclusive. The subscription is confirmed, catches up from storage
 * in pages of 32 if the stream has events past the start point, says `caught_up` and then delivers every event
 * committed to the stream after the confirmation that it has not sent yet. A client too slow for the live events
 * sends it back to catching up from the last event sent, then `caught_up` again (§3.8.1). A stream tombstoned
 * before the subscription starts is refused before the confirmation; a `$streamDeleted` event is delivered and
 * then ends the call with `stream-deleted`. A missing or soft-deleted stream is simply empty. The call only ends
 * when the client cancels or on error; `fell_behind` is never sent.
 */
export async function* subscribeToStream(
  store: EventStore,
  plan: StreamSubscriptionPlan,
  signal: AbortSignal,
): AsyncGenerator<ReadResponse, void, undefined> {
  const name = plan.streamName;
  if (store.isTombstoned(name)) throw rpcErrors.streamDeleted(name);
  const commits = new CommitSignal(store);
  try {
    // What the live subscription service reports at confirmation: events after it arrive live.
    const lastAtConfirmation = BigInt(store.lastEventNumberOf(name));
    const state: StreamSubscriptionState = { checkpoint: -1n, cursor: store.log.length };
    yield confirmationResponse(randomUUID());

    if (plan.start.kind === 'end') state.checkpoint = lastAtConfirmation;
    if (plan.start.kind === 'revision') state.checkpoint = plan.start.revision;
    if (state.checkpoint < lastAtConfirmation) yield* catchUp(store, plan, state);
    for (;;) {
      // Commits while `caught_up` waits for the client already count against the live buffer.
      const buffer = liveBufferOf(store, plan, state);
      yield caughtUpResponse();
      if (!(yield* live(store, plan, state, { buffer, commits, signal }))) return;
      yield* catchUp(store, plan, state);
    }
  } finally {
    commits.close();
  }
}

/** Reads the stream from storage in pages, from the event after the checkpoint to its end. */
function* catchUp(
  store: EventStore,
  plan: StreamSubscriptionPlan,
  state: StreamSubscriptionState,
): Generator<ReadResponse, void, undefined> {
  const name = plan.streamName;
  let from = state.checkpoint + 1n;
  for (;;) {
    const view = store.readStream(name);
    if (view.kind === 'deleted') throw rpcErrors.streamDeleted(name);
    if (view.kind === 'not-found') return;
    const page = forwardsPage(view, from, READ_BATCH_SIZE);
    for (const record of page.events) {
      state.checkpoint = record.eventNumber;
      yield eventResponse(resolveRecord(store, record, plan.resolveLinks, 'read'), plan.uuidForm);
      if (record.eventType === STREAM_DELETED_EVENT_TYPE) throw rpcErrors.streamDeleted(name);
    }
    if (page.endOfStream) return;
    from = page.next;
  }
}

/** What the live subscription service queues for this stream: its events, the only records it passes on. */
function liveBufferOf(
  store: EventStore,
  plan: StreamSubscriptionPlan,
  state: StreamSubscriptionState,
): LiveBuffer {
  const name = plan.streamName;
  const ofStream = (record: { readonly streamName: string }): boolean => record.streamName === name;
  // The stream's events past the cursor are those after the checkpoint, unless a tombstone jumped the numbering.
  return new LiveBuffer(store.log, 1, (cursor, limit) =>
    store.isTombstoned(name)
      ? countAccepted(store.log, ofStream, cursor, limit)
      : Math.min(limit, store.lastEventNumberOf(name) - Number(state.checkpoint)),
  );
}

/**
 * Live: the stream's records committed since the confirmation, skipping what catching up already sent. Resolves
 * true when the client fell too far behind (the subscription then catches up again), false when cancelled.
 */
async function* live(
  store: EventStore,
  plan: StreamSubscriptionPlan,
  state: StreamSubscriptionState,
  { buffer, commits, signal }: { buffer: LiveBuffer; commits: CommitSignal; signal: AbortSignal },
): AsyncGenerator<ReadResponse, boolean, undefined> {
  const name = plan.streamName;
  for (;;) {
    for (let record = store.log[state.cursor]; record !== undefined; record = store.log[state.cursor]) {
      state.cursor += 1;
      if (record.streamName !== name || record.eventNumber <= state.checkpoint) continue;
      state.checkpoint = record.eventNumber;
      yield eventResponse(resolveRecord(store, record, plan.resolveLinks, 'live'), plan.uuidForm);
      if (record.eventType === STREAM_DELETED_EVENT_TYPE) throw rpcErrors.streamDeleted(name);
      if (buffer.fellBehind(state.cursor)) return true;
    }
    if (!(await commits.next(signal))) return false;
    buffer.drained();
  }
}
