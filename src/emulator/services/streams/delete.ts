import type { CallContext } from 'nice-grpc';
import type { DeleteReq, DeleteResp, TombstoneReq, TombstoneResp } from '../../../generated/streams.js';
import { checkStreamAccess } from '../../auth/check-stream-access.js';
import { admitStreamsWrite } from '../../cluster/leader-requests.js';
import type { EmulatorNode } from '../../node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { rpcErrors } from '../../server/rpc-error.js';
import { expectedVersionNumber } from '../../store/expected-revision.js';
import { expectedRevisionOf } from '../../wire/expected-revision.js';
import { expectedRevisionAsServerReadsIt } from '../../wire/stream-revision.js';
import { streamNameOf } from '../../wire/stream-name.js';

/** The CLR names of the oneof-case enums, for the INVALID_ARGUMENT text of an unset expected revision. */
const DELETE_CASE = 'EventStore.Client.Streams.DeleteReq+Types+Options+ExpectedStreamRevisionOneofCase';
const TOMBSTONE_CASE = 'EventStore.Client.Streams.TombstoneReq+Types+Options+ExpectedStreamRevisionOneofCase';

/** TombstoneResp's `position_option` has the same shape. */
type DeletePosition = DeleteResp['positionOption'];

/** `Streams.Delete`: soft delete, a `{"$tb": long.MaxValue}` metadata event in `$$stream` (§3.4, §3.13). */
export function createDelete(node: EmulatorNode) {
  return async function deleteStream(
    request: DeleteReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<DeleteResp> {
    return { positionOption: await runDelete(node, request.options, context, 'soft', DELETE_CASE) };
  };
}

/** `Streams.Tombstone`: hard delete, a `$streamDeleted` record numbered `long.MaxValue` (§3.4, §3.13). */
export function createTombstone(node: EmulatorNode) {
  return async function tombstone(
    request: TombstoneReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<TombstoneResp> {
    return { positionOption: await runDelete(node, request.options, context, 'hard', TOMBSTONE_CASE) };
  };
}

/**
 * The steps both handlers take, in the server's order (Streams.Delete.cs): expected revision, stream name,
 * `Delete` access, then the write. Failures are gRPC errors, never in-band (§3.4, §5 item 1).
 */
async function runDelete(
  node: EmulatorNode,
  options: DeleteReq['options'] | TombstoneReq['options'],
  context: EmulatorCallContext & CallContext,
  kind: 'soft' | 'hard',
  oneofCaseType: string,
): Promise<DeletePosition> {
  // The server dereferences both without a check: a missing one is an unhandled exception (§3.1).
  if (options === undefined) throw new TypeError('the delete request has no options');
  // The identifier becomes a name only at the access check, after the expected revision was read: a missing
  // identifier with an unset revision is INVALID_ARGUMENT, not UNKNOWN (Streams.Delete.cs, 24.10).
  const expected = expectedRevisionAsServerReadsIt(
    expectedRevisionOf(options.expectedStreamRevision, oneofCaseType),
  );
  const streamName = streamNameOf(options.streamIdentifier);
  checkStreamAccess(node.store, context.user, 'delete', streamName);
  // An empty name reaches the server as null; the internal DeleteStream message refuses it (ClientMessage.cs).
  if (streamName === '') throw new TypeError('the stream name is empty');
  // The DeleteStream message goes to the node controller: served, forwarded or refused (§3.1.1, §4).
  await admitStreamsWrite(node, context);

  const outcome =
    kind === 'soft'
      ? node.store.softDelete(streamName, expected)
      : node.store.tombstone(streamName, expected);
  switch (outcome.kind) {
    case 'wrong-expected-version':
      throw rpcErrors.wrongExpectedVersion(
        streamName,
        expectedVersionNumber(expected),
        outcome.currentEventNumber,
      );
    case 'stream-deleted':
      throw rpcErrors.streamDeleted(streamName);
    case 'success':
      // Commit == prepare == the position of the record just written (§3.12).
      return outcome.position === undefined
        ? { $case: 'noPosition', value: {} }
        : {
            $case: 'position',
            value: { commitPosition: outcome.position, preparePosition: outcome.position },
          };
  }
}
