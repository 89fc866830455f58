/**
 * Builds the encoded messages of one append on a shared `Streams.BatchAppend` call (docs/protocol.md §3.5): the events
 * cut into chunks that all carry the append's correlation id, the first with the options (stream, expected
 * revision, deadline), the last with `is_final`.
 */
import type { ExpectedState } from '../arguments/checks.js';
import type { NewEvent } from '../events/new-event.js';
import { type BatchOptions, encodeBatchChunk, type WireDeadline } from './batch-append-encoder.js';

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
 * The encoded messages of one append: chunks of about {@link CHUNK_BYTES} (an event is never split, so a larger
 * one goes alone), the first carrying the options, the last `is_final`.
 */
export function batchAppendMessages(parts: BatchAppendParts, chunkBytes = CHUNK_BYTES): Buffer[] {
  const { correlationId, events } = parts;
  const messages: Buffer[] = [];
  let options: BatchOptions | undefined = {
    streamName: parts.streamName,
    expected: parts.expected,
    deadline: wireDeadlineOf(parts.deadline),
  };
  let from = 0;
  let size = 0;
  for (let to = 0; to < events.length; to += 1) {
    const bytes = eventBytesOf(events[to] as NewEvent);
    if (size > 0 && size + bytes > chunkBytes) {
      messages.push(encodeBatchChunk({ correlationId, options, events, from, to, isFinal: false }));
      options = undefined;
      from = to;
      size = 0;
    }
    size += bytes;
  }
  messages.push(encodeBatchChunk({ correlationId, options, events, from, to: events.length, isFinal: true }));
  return messages;
}

/** The deadline field of the request: a relative Duration, or the absolute Timestamp older servers read. */
function wireDeadlineOf(deadline: BatchDeadline): WireDeadline | undefined {
  switch (deadline.kind) {
    case 'none':
      return undefined;
    case 'duration': {
      const whole = Math.floor(deadline.milliseconds);
      return {
        field: 'duration',
        seconds: BigInt(Math.floor(whole / 1000)),
        nanos: (whole % 1000) * 1_000_000,
      };
    }
    case 'timestamp': {
      // Whole milliseconds since the epoch, as a Date holds them.
      const at = Math.trunc(Date.now() + deadline.milliseconds);
      return { field: 'timestamp', seconds: BigInt(Math.trunc(at / 1000)), nanos: (at % 1000) * 1_000_000 };
    }
  }
}
