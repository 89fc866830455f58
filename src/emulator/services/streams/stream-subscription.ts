import { randomUUID } from 'node:crypto';
import type { ReadResponse } from './read-responses.js';
import { rpcErrors } from '../../server/rpc-error.js';
import type { EventStore } from '../../store/event-store.js';
import { resolveRecord } from '../../store/link-resolution.js';
import { STREAM_DELETED_EVENT_TYPE, type StoredEvent } from '../../store/stored-event.js';
import { CommitSignal } from './commit-signal.js';
import type { ReadPlan } from './read-request.js';
import { caughtUpResponse, confirmationResponse, eventResponse } from './read-responses.js';
import { forwardsPage, READ_BATCH_SIZE } from './stream-pages.js';

type StreamSubscriptionPlan = Extract<ReadPlan, { kind: 'subscribe-stream' }>;

/**
 * A catch-up subscription to one stream, as 24.10 runs it (§3.8; Enumerator.StreamSubscription.cs,
 * SubscriptionsService.cs). The start point is exclusive. The subscription is confirmed, catches up from storage
 * in pages of 32 if the stream has events past the start point, says `caught_up` and then delivers every event
 * committed to the stream after the confirmation that it has not sent yet. A stream tombstoned before the
 * subscription starts is refused before the confirmation; a `$streamDeleted` event is delivered and then ends
 * the call with `stream-deleted`. A missing or soft-deleted stream is simply empty. The call only ends when the
 * client cancels or on error; `fell_behind` is never sent.
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
    const confirmedAt = store.log.length;
    const lastAtConfirmation = BigInt(store.lastEventNumberOf(name));
    yield confirmationResponse(randomUUID());

    // The event number last sent on (or the client's start point): only later events go out.
    let checkpoint =
      plan.start.kind === 'start'
        ? -1n
        : plan.start.kind === 'end'
          ? lastAtConfirmation
          : plan.start.revision;
    const deliver = (record: StoredEvent): ReadResponse =>
      eventResponse(resolveRecord(store, record, plan.resolveLinks, 'live'), plan.uuidForm);

    if (checkpoint < lastAtConfirmation) {
      let from = checkpoint + 1n;
      for (;;) {
        const view = store.readStream(name);
        if (view.kind === 'deleted') throw rpcErrors.streamDeleted(name);
        if (view.kind === 'not-found') break;
        const page = forwardsPage(view, from, READ_BATCH_SIZE);
        for (const record of page.events) {
          yield eventResponse(resolveRecord(store, record, plan.resolveLinks, 'read'), plan.uuidForm);
          checkpoint = record.eventNumber;
          if (record.eventType === STREAM_DELETED_EVENT_TYPE) throw rpcErrors.streamDeleted(name);
        }
        if (page.endOfStream) break;
        from = page.next;
      }
    }
    yield caughtUpResponse();

    // Live: the records committed since the confirmation, skipping what catching up already sent.
    let cursor = confirmedAt;
    for (;;) {
      for (let record = store.log[cursor]; record !== undefined; record = store.log[cursor]) {
        cursor += 1;
        if (record.streamName !== name || record.eventNumber <= checkpoint) continue;
        yield deliver(record);
        checkpoint = record.eventNumber;
        if (record.eventType === STREAM_DELETED_EVENT_TYPE) throw rpcErrors.streamDeleted(name);
      }
      if (!(await commits.next(signal))) return;
    }
  } finally {
    commits.close();
  }
}
