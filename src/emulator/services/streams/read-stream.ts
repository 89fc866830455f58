import type { ReadResponse } from './read-responses.js';
import { rpcErrors } from '../../server/rpc-error.js';
import type { EventStore } from '../../store/event-store.js';
import { resolveRecord } from '../../store/link-resolution.js';
import type { ReadPlan } from './read-request.js';
import { unexpectedResult } from './read-request-errors.js';
import {
  eventResponse,
  firstStreamPositionResponse,
  lastStreamPositionResponse,
  streamNotFoundResponse,
} from './read-responses.js';
import { backwardsPage, forwardsPage, READ_BATCH_SIZE } from './stream-pages.js';

type StreamReadPlan = Extract<ReadPlan, { kind: 'read-stream' }>;

/**
 * A plain read of one stream (§3.7; Enumerator.ReadStreamForwards.cs / ReadStreamBackwards.cs): pages of up to
 * 32 events, each read afresh, until `count` events went out or the stream ended. A missing or soft-deleted
 * stream answers with one `stream_not_found`; a tombstoned one fails with `stream-deleted`.
 */
export function* readStream(
  store: EventStore,
  plan: StreamReadPlan,
  signal: AbortSignal,
): Generator<ReadResponse, void, undefined> {
  // Storage refuses a page size of 0 and a forwards start of -1 (`end`) before looking at the stream; the
  // enumerator reports that as an unexpected result (IndexReader.cs `Ensure.Positive`/`Ensure.Nonnegative`).
  if (plan.count === 0n || (plan.direction === 'forwards' && plan.start.kind === 'end')) {
    throw unexpectedResult('ReadStreamResult', 'Error');
  }
  const name = plan.streamName;
  const pageSize = plan.count < READ_BATCH_SIZE ? plan.count : READ_BATCH_SIZE;
  const forwards = plan.direction === 'forwards';
  let from = plan.start.kind === 'revision' ? plan.start.revision : plan.start.kind === 'start' ? 0n : -1n;
  let readCount = 0n;
  while (!signal.aborted) {
    const view = store.readStream(name);
    if (view.kind === 'deleted') throw rpcErrors.streamDeleted(name);
    if (view.kind === 'not-found') {
      yield streamNotFoundResponse(name);
      return;
    }
    const page = forwards ? forwardsPage(view, from, pageSize) : backwardsPage(view, from, pageSize);
    // Only forwards reads report where the stream really starts, and only while nothing has been sent.
    if (
      forwards &&
      readCount === 0n &&
      plan.compatibility >= 1 &&
      page.events.length === 0 &&
      page.next !== from
    ) {
      yield firstStreamPositionResponse(page.next);
    }
    for (const record of page.events) {
      if (readCount >= plan.count) break;
      yield eventResponse(resolveRecord(store, record, plan.resolveLinks, 'read'), plan.uuidForm);
      readCount += 1n;
    }
    if (!page.endOfStream && readCount < plan.count) {
      from = page.next;
      continue;
    }
    if (plan.compatibility >= 1) yield lastStreamPositionResponse(BigInt(view.lastEventNumber));
    return;
  }
}
