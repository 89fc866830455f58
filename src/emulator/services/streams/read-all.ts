import type { ReadResponse } from './read-responses.js';
import { isVisibleInAll } from '../../store/all-filter.js';
import type { EventStore } from '../../store/event-store.js';
import { resolveRecord } from '../../store/link-resolution.js';
import type { LogPosition } from '../../store/log-position.js';
import type { AllStart, ReadPlan } from './read-request.js';
import { unexpectedResult } from './read-request-errors.js';
import { eventResponse } from './read-responses.js';

type AllReadPlan = Extract<ReadPlan, { kind: 'read-all' }>;

/**
 * A plain read of `$all`, optionally filtered (§3.7, §3.9; Enumerator.ReadAll*.cs, AllReader.cs). Forwards from
 * P returns the records at or after P; backwards from P the records ending at or before it. The default `$all`
 * exclusions always apply; a filter adds its own test; no checkpoints are sent.
 */
export async function* readAll(
  store: EventStore,
  plan: AllReadPlan,
  signal: AbortSignal,
): AsyncGenerator<ReadResponse, void, undefined> {
  const resultType = plan.filter === undefined ? 'ReadAllResult' : 'FilteredReadAllResult';
  const accepts = plan.filter?.matches ?? isVisibleInAll;
  const forwards = plan.direction === 'forwards';
  const from = startPositionOf(plan.start, store);
  // Storage rejects a negative commit position (a lone UINT64 max) before reading anything.
  if (from.commit < 0n) throw unexpectedResult(resultType, 'InvalidPosition');
  // With a page size or search window of 0 a page never reads a record nor reaches the end, and the server's
  // enumerator asks for the same page again until the call is cancelled or its deadline passes.
  if (plan.count === 0n || plan.filter?.window === 0) {
    await untilAborted(signal);
    return;
  }
  let sent = 0n;
  if (forwards) {
    let index = forwardsStartIndex(store, from.commit);
    if (index === undefined) throw unexpectedResult(resultType, 'InvalidPosition');
    while (sent < plan.count && !signal.aborted) {
      const record = store.log[index++];
      if (record === undefined) return;
      if (!accepts(record)) continue;
      yield eventResponse(resolveRecord(store, record, plan.resolveLinks, 'read'), plan.uuidForm);
      sent += 1n;
    }
    return;
  }
  let index = backwardsStartIndex(store, from, resultType);
  while (sent < plan.count && !signal.aborted && index >= 0) {
    const record = store.log[index--];
    if (record === undefined || !accepts(record)) continue;
    yield eventResponse(resolveRecord(store, record, plan.resolveLinks, 'read'), plan.uuidForm);
    sent += 1n;
  }
}

/**
 * Index in the log of the first record a backwards read from `position` returns, or -1 (AllReader.cs
 * `ReadAllEventsBackward`: positions are after-record positions).
 */
function backwardsStartIndex(
  store: EventStore,
  position: LogPosition,
  resultType: 'ReadAllResult' | 'FilteredReadAllResult',
): number {
  // Reading backwards from past the writer's checkpoint throws a plain exception in storage: `Error`.
  if (position.commit > store.headPosition) throw unexpectedResult(resultType, 'Error');
  if (position.commit === 0n) return -1;
  let index = store.indexEndingAtOrBefore(position.commit);
  const following = store.log[index + 1];
  // Starting inside a record makes storage read garbage: an invalid position.
  if (following !== undefined && following.position < position.commit) {
    throw unexpectedResult(resultType, 'InvalidPosition');
  }
  // The record ending at P qualifies only if (P, P) <= (P, prepare), i.e. prepare == P (AllReader.cs).
  const ending = store.log[index];
  if (ending !== undefined && ending.endPosition === position.commit && position.prepare < position.commit) {
    index -= 1;
  }
  return index;
}

/** `start` is (0, 0); `end` is the writer's checkpoint, i.e. the head of the log (StorageReaderWorker.cs). */
function startPositionOf(start: AllStart, store: EventStore): LogPosition {
  switch (start.kind) {
    case 'start':
      return { commit: 0n, prepare: 0n };
    case 'end':
      return { commit: store.headPosition, prepare: store.headPosition };
    case 'position':
      return start.position;
  }
}

/**
 * Index in the log of the first record a forwards read from `commit` returns. Past the start of the last record
 * storage reports the end at once; inside any other record the position is invalid (undefined).
 */
export function forwardsStartIndex(store: EventStore, commit: bigint): number | undefined {
  const log = store.log;
  const last = log.at(-1);
  if (last === undefined || commit > last.position) return log.length;
  const index = store.indexAtOrAfter(commit);
  const previous = log[index - 1];
  return previous !== undefined && previous.endPosition > commit ? undefined : index;
}

/** Resolves once `signal` aborts. */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else
      signal.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
  });
}
