/**
 * Builds the messages of one append on a shared `Streams.BatchAppend` call (docs/protocol.md §3.5): the events
 * cut into chunks that all carry the append's correlation id, the first with the options (stream, expected
 * revision, deadline), the last with `is_final`.
 */
import type { BatchAppendReq, BatchAppendReq_Options } from '../../generated/streams.js';
import type { ExpectedState } from '../arguments/checks.js';
import type { NewEvent } from '../events/new-event.js';

/**
 * The events of one chunk add up to about this many bytes. Far below the server's per-message cap (§3.18) and
 * small enough that an append of the default maximum size (1 MiB) already takes several chunks, so that the
 * chunking runs in ordinary use rather than only on servers configured for larger appends; the few bytes each
 * extra message costs are nothing next to half a MiB of events.
 */
export const CHUNK_BYTES = 512 * 1024;

/**
 * One event whose message would be larger than this cannot go on the shared call: the server's gRPC layer
 * refuses a request message over 16 767 216 bytes by failing the whole call (§3.18), which would fail every
 * append in flight on it. Such appends use `Streams.Append`, where the same refusal fails that call alone.
 */
export const LARGEST_BATCH_EVENT_BYTES = 16_767_216 - 64 * 1024;

/** Bytes of a message's fields besides data and metadata: id, the two metadata keys, and framing. */
const EVENT_OVERHEAD_BYTES = 128;

const EMPTY = {};

/** When the server should give up on the append, as the request says it. */
export type BatchDeadline =
  | { readonly kind: 'none' }
  /** A relative deadline, the `deadline` Duration field servers from 22.6 read (§3.5, §3.16). */
  | { readonly kind: 'duration'; readonly milliseconds: number }
  /** An absolute deadline, the `deadline_21_10_0` Timestamp field older servers read. */
  | { readonly kind: 'timestamp'; readonly milliseconds: number };

/** What one append on the shared call says. */
export interface BatchAppendParts {
  readonly correlationId: string;
  readonly streamName: string;
  readonly expected: ExpectedState;
  readonly events: readonly NewEvent[];
  readonly deadline: BatchDeadline;
}

/** About how many bytes the message of `event` takes. */
export function eventBytesOf(event: NewEvent): number {
  return (
    event.data.byteLength +
    event.metadata.byteLength +
    3 * (event.type.length + event.contentType.length) +
    EVENT_OVERHEAD_BYTES
  );
}

/** Whether every event fits in a message of the shared call (see {@link LARGEST_BATCH_EVENT_BYTES}). */
export function fitsBatchAppend(events: readonly NewEvent[]): boolean {
  return events.every((event) => eventBytesOf(event) <= LARGEST_BATCH_EVENT_BYTES);
}

/**
 * The messages of one append: chunks of about {@link CHUNK_BYTES} (an event is never split, so a larger one
 * goes alone), the first carrying the options, the last `is_final`.
 */
export function batchAppendMessages(parts: BatchAppendParts, chunkBytes = CHUNK_BYTES): BatchAppendReq[] {
  const correlationId = { value: { $case: 'string' as const, value: parts.correlationId } };
  const messages: BatchAppendReq[] = [];
  let chunk: BatchAppendReq = {
    correlationId,
    options: optionsOf(parts),
    proposedMessages: [],
    isFinal: false,
  };
  let size = 0;
  for (const event of parts.events) {
    const bytes = eventBytesOf(event);
    if (size > 0 && size + bytes > chunkBytes) {
      messages.push(chunk);
      chunk = { correlationId, options: undefined, proposedMessages: [], isFinal: false };
      size = 0;
    }
    chunk.proposedMessages.push(proposedOf(event));
    size += bytes;
  }
  chunk.isFinal = true;
  messages.push(chunk);
  return messages;
}

function optionsOf(parts: BatchAppendParts): BatchAppendReq_Options {
  return {
    streamIdentifier: { streamName: Buffer.from(parts.streamName, 'utf8') },
    expectedStreamPosition: expectedPositionOf(parts.expected),
    deadlineOption: deadlineOf(parts.deadline),
  };
}

/** The expected-revision oneof of §3.2 in BatchAppend's spelling. */
function expectedPositionOf(expected: ExpectedState): BatchAppendReq_Options['expectedStreamPosition'] {
  switch (expected.kind) {
    case 'no-stream':
      return { $case: 'noStream', value: EMPTY };
    case 'any':
      return { $case: 'any', value: EMPTY };
    case 'position':
      return { $case: 'streamPosition', value: expected.position };
  }
}

function deadlineOf(deadline: BatchDeadline): BatchAppendReq_Options['deadlineOption'] {
  switch (deadline.kind) {
    case 'none':
      return undefined;
    case 'duration': {
      const whole = Math.floor(deadline.milliseconds);
      return {
        $case: 'deadline',
        value: { seconds: BigInt(Math.floor(whole / 1000)), nanos: (whole % 1000) * 1_000_000 },
      };
    }
    case 'timestamp':
      return { $case: 'deadline21100', value: new Date(Date.now() + deadline.milliseconds) };
  }
}

/** An event as a proposed message, with the two metadata keys the server requires (§3.10). */
function proposedOf(event: NewEvent): BatchAppendReq['proposedMessages'][number] {
  return {
    id: { value: { $case: 'string', value: event.id } },
    metadata: { type: event.type, 'content-type': event.contentType },
    customMetadata: event.metadata,
    data: event.data,
  };
}
