/**
 * `deleteStream` and `tombstoneStream`: the soft delete (`Streams.Delete`), after which the stream reads as
 * missing until it is appended to again, and the hard delete (`Streams.Tombstone`), after which the name can
 * never be used again (docs/protocol.md §3.4, §3.13).
 */
import type { DeleteReq, DeleteResp, TombstoneReq, TombstoneResp } from '../../generated/streams.js';
import { checkExpectedPosition, checkStreamName } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import type { NodeClients } from '../connection/node-clients.js';
import { ExpectedPositionError, GrpcError, StreamNotFoundError } from '../errors/esdb-errors.js';
import { deleteRequest } from '../wire/delete-request.js';

/** The options of {@link EsdbClient.deleteStream} and {@link EsdbClient.tombstoneStream}. */
export interface DeleteStreamOptions extends CallControl {
  /** The stream to delete. */
  readonly streamName: string;
  /**
   * What the stream must look like: the position of its last event (a non-negative integer), `null` if it
   * must not exist, or a negative integer for no check. Default: no check (`-1`).
   */
  readonly expectedPosition?: number | bigint | null | undefined;
}

const KEYS = ['streamName', 'expectedPosition'];

/**
 * Soft-deletes a stream and returns the commit position of the record that marks it deleted.
 * @throws StreamNotFoundError when the stream does not exist; ExpectedPositionError when its last event is not
 * where `expectedPosition` says; StreamDeletedError when it was tombstoned.
 */
export function deleteStream(context: ClientContext, options: DeleteStreamOptions): Promise<bigint> {
  return deleteWith(context, options, 'deleteStream', (node, request, control) =>
    node.streams.delete(request, control),
  );
}

/**
 * Tombstones a stream and returns the commit position of the tombstone. A stream that never existed can be
 * tombstoned (with no check, or `expectedPosition: null`), which reserves its name for good.
 * @throws ExpectedPositionError when the stream's last event is not where `expectedPosition` says;
 * StreamNotFoundError when it expected a position of a stream that does not exist; StreamDeletedError when it
 * was tombstoned already.
 */
export function tombstoneStream(context: ClientContext, options: DeleteStreamOptions): Promise<bigint> {
  return deleteWith(context, options, 'tombstoneStream', (node, request, control) =>
    node.streams.tombstone(request, control),
  );
}

type DeleteCall = (
  node: NodeClients,
  request: DeleteReq & TombstoneReq,
  control: CallControl,
) => Promise<DeleteResp | TombstoneResp>;

async function deleteWith(
  context: ClientContext,
  options: DeleteStreamOptions,
  where: string,
  call: DeleteCall,
): Promise<bigint> {
  const { given, control } = methodOptions(options, KEYS, where, true);
  const streamName = checkStreamName(given.streamName, `${where}: streamName`);
  const expectedPosition = given.expectedPosition === undefined ? -1 : given.expectedPosition;
  const request = deleteRequest(
    streamName,
    checkExpectedPosition(expectedPosition, `${where}: expectedPosition`),
  );
  try {
    // Sent to the leader, as appends are, and made once more on the node the client moves to: a soft delete
    // repeated after a lost answer writes the same mark again; a repeated tombstone fails with
    // StreamDeletedError.
    const response = await withFailover(onLeader(context), control, (node) => call(node, request, control));
    return commitPositionOf(response, where);
  } catch (error) {
    throw notFoundIfMissing(error, streamName);
  }
}

/**
 * A wrong expected version whose actual version is "no stream" means the stream does not exist: a soft delete
 * of such a stream fails so even with no check (§3.4), and PY reports it as NotFound.
 */
function notFoundIfMissing(error: unknown, streamName: string): unknown {
  if (!(error instanceof ExpectedPositionError) || error.actualPosition !== null) return error;
  return new StreamNotFoundError(streamName, { grpcStatus: error.grpcStatus, cause: error });
}

/** The position of the record the delete wrote (§3.12); the server leaves it out only when it has none. */
function commitPositionOf(response: DeleteResp | TombstoneResp, where: string): bigint {
  const position = response.positionOption;
  if (position?.$case === 'position') return position.value.commitPosition;
  throw new GrpcError({ code: 0, details: `${where}: the server returned no commit position`, trailers: {} });
}
