import type { ReadResp } from '../../../generated/streams.js';
import type { ResolvedRecord } from '../../store/link-resolution.js';
import { type LogPosition, toWirePosition, UINT64_MAX } from '../../store/log-position.js';
import { EncodedMessage } from '../../server/encoded-responses.js';
import { encodeReadEventResponse } from '../../wire/read-event-encoding.js';
import type { UuidForm } from '../../wire/uuid.js';

/*
 * The messages of a `Streams.Read` response stream (§2.4, §3.7, §3.8; Streams.Read.cs `TryConvertReadResponse`).
 */

/** A message of a Read response stream: most are built as objects, events go out pre-encoded. */
export type ReadResponse = ReadResp | EncodedMessage;

/**
 * An `event` message. Each recorded event carries its own positions; `commit_position` is the original record's,
 * the link when there is one (§3.7). Every record the emulator stores is self-committed, so it is always known.
 * Events are the bulk of every read, so they are written straight to bytes (read-event-encoding.ts).
 */
export function eventResponse(resolved: ResolvedRecord, uuidForm: UuidForm): EncodedMessage {
  const original = resolved.link ?? resolved.event;
  return new EncodedMessage(
    encodeReadEventResponse(
      { event: resolved.event, link: resolved.link, commitPosition: original?.position },
      uuidForm,
    ),
  );
}

/** The first message of a catch-up subscription (§3.8). */
export function confirmationResponse(subscriptionId: string): ReadResp {
  return { content: { $case: 'confirmation', value: { subscriptionId } } };
}

/** A checkpoint of a filtered `$all` subscription; no timestamp before 25.1 (§2.4, §3.9). */
export function checkpointResponse(position: LogPosition): ReadResp {
  return { content: { $case: 'checkpoint', value: { ...toWirePosition(position), timestamp: undefined } } };
}

/** `caught_up`, empty in 24.10 (§0 version matrix, §3.8). */
export function caughtUpResponse(): ReadResp {
  return { content: { $case: 'caughtUp', value: { timestamp: undefined } } };
}

/** The one message a plain read of a missing or soft-deleted stream sends (§3.7). */
export function streamNotFoundResponse(streamName: string): ReadResp {
  return {
    content: {
      $case: 'streamNotFound',
      value: { streamIdentifier: { streamName: Buffer.from(streamName, 'utf8') } },
    },
  };
}

/** A stream revision on the wire: -1 is `StreamRevision.End`, UINT64 max. */
function wireRevision(eventNumber: bigint): bigint {
  return eventNumber < 0n ? UINT64_MAX : eventNumber;
}

/** `first_stream_position`, for `control_option.compatibility` ≥ 1 (§3.7). */
export function firstStreamPositionResponse(eventNumber: bigint): ReadResp {
  return { content: { $case: 'firstStreamPosition', value: wireRevision(eventNumber) } };
}

/** `last_stream_position`, for `control_option.compatibility` ≥ 1 (§3.7). */
export function lastStreamPositionResponse(eventNumber: bigint): ReadResp {
  return { content: { $case: 'lastStreamPosition', value: wireRevision(eventNumber) } };
}
