/**
 * Builds `Streams.Delete` and `Streams.Tombstone` requests (docs/protocol.md §3.4): the stream and the expected
 * revision, which the server checks against the stream itself (not its metastream).
 */
import type { DeleteReq, TombstoneReq } from '../../generated/streams.js';
import type { ExpectedState } from '../arguments/checks.js';
import { expectedRevisionOf } from './append-request.js';

/** The request of a soft delete or a tombstone: both messages have the same shape. */
export function deleteRequest(streamName: string, expected: ExpectedState): DeleteReq & TombstoneReq {
  return {
    options: {
      streamIdentifier: { streamName: Buffer.from(streamName, 'utf8') },
      expectedStreamRevision: expectedRevisionOf(expected),
    },
  };
}
