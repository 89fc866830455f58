/**
 * Builds the messages of one `Streams.Append` call (docs/protocol.md §3.3): first the options (stream and
 * expected revision), then one proposed message per event, whose metadata map carries exactly the two keys the
 * server requires, `type` and `content-type` (§3.10).
 */
import type { AppendReq, AppendReq_Options } from '../../generated/streams.js';
import type { ExpectedState } from '../arguments/checks.js';
import type { NewEvent } from '../events/new-event.js';

const EMPTY = {};

/** The expected-revision oneof of §3.2, shared by Append, Delete and Tombstone requests. */
export function expectedRevisionOf(expected: ExpectedState): AppendReq_Options['expectedStreamRevision'] {
  switch (expected.kind) {
    case 'no-stream':
      return { $case: 'noStream', value: EMPTY };
    case 'any':
      return { $case: 'any', value: EMPTY };
    case 'position':
      return { $case: 'revision', value: expected.position };
  }
}

/** The options message that opens the call. */
export function appendOptionsMessage(streamName: string, expected: ExpectedState): AppendReq {
  return {
    content: {
      $case: 'options',
      value: {
        streamIdentifier: { streamName: Buffer.from(streamName, 'utf8') },
        expectedStreamRevision: expectedRevisionOf(expected),
      },
    },
  };
}

/** The proposed message of one event. */
export function proposedMessageOf(event: NewEvent): AppendReq {
  return {
    content: {
      $case: 'proposedMessage',
      value: {
        id: { value: { $case: 'string', value: event.id } },
        metadata: { type: event.type, 'content-type': event.contentType },
        customMetadata: event.metadata,
        data: event.data,
      },
    },
  };
}
