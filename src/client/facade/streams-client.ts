/**
 * The stream methods of the facade: appends, positions, reads, deletes and metadata. Each method checks
 * nothing itself: it hands its options to its operation's module.
 */
import { appendEvents, type AppendEventsOptions } from '../streams/append-events.js';
import { deleteStream, type DeleteStreamOptions, tombstoneStream } from '../streams/delete-stream.js';
import { getCommitPosition, type GetCommitPositionOptions } from '../streams/get-commit-position.js';
import {
  getStreamMetadata,
  type GetStreamMetadataOptions,
  type GetStreamMetadataResult,
} from '../streams/get-stream-metadata.js';
import { getStreamPosition, type GetStreamPositionOptions } from '../streams/get-stream-position.js';
import type { ReadEventsResult } from '../streams/read-events-result.js';
import {
  readAllEvents,
  type ReadAllEventsOptions,
  readStreamEvents,
  type ReadStreamEventsOptions,
} from '../streams/read-events.js';
import { setStreamMetadata, type SetStreamMetadataOptions } from '../streams/set-stream-metadata.js';
import { ClientCore, contextOf } from './client-core.js';

/** The stream methods of an {@link EsdbClient}; see there. */
export class StreamsClient extends ClientCore {
  /**
   * Appends events to a stream, atomically: all of them are recorded, or none.
   *
   * Appends share one long-lived `BatchAppend` call per node, so concurrent appends cost little; servers
   * without it (before 21.10) get one `Append` call per append, with the same results and errors. An append
   * that loses its node (the node goes away, or is not the leader) is sent once more to the node the client
   * moves to, with the same event ids, so the server records it once. It is not otherwise retried: after a
   * dropped connection (ServiceUnavailableError) nobody can tell whether the server wrote it, so whether to
   * append again (with the same events, which is safe) is the caller's choice; the next call uses a new
   * connection.
   *
   * `timeout` and `signal` abandon this append alone (DeadlineExceededError, CancelledError). An abandoned
   * append may still be written by the server: its outcome is unknown, as for any write cancelled in flight;
   * appending the same events again (same ids) is safe.
   * @returns the commit position of the last event appended.
   * @throws ExpectedPositionError when the stream's last event is not where `expectedPosition` says.
   * @throws StreamDeletedError, AccessDeniedError, MaximumAppendSizeExceededError, DeadlineExceededError,
   * CancelledError, ServiceUnavailableError, NotLeaderError, or GrpcError for anything else.
   */
  appendEvents(options: AppendEventsOptions): Promise<bigint> {
    return appendEvents(contextOf(this), options);
  }

  /**
   * The position of the stream's last event, or `null` when the stream does not exist. Retried after a
   * ServiceUnavailableError until its `timeout` (or the client's `defaultDeadline`) passes, as every method
   * that only reads is.
   */
  getStreamPosition(options: GetStreamPositionOptions): Promise<bigint | null> {
    return getStreamPosition(contextOf(this), options);
  }

  /**
   * The events of one stream, in the order they were appended (or the reverse), with `$>` links resolved on
   * request. Iterating a stream that does not exist throws StreamNotFoundError.
   */
  readStreamEvents(options: ReadStreamEventsOptions): ReadEventsResult {
    return readStreamEvents(contextOf(this), options);
  }

  /**
   * All recorded events, in the order they were committed (or the reverse), filtered on the server by event
   * type or stream name, with `$>` links resolved on request. On a secure server, reading all streams needs an
   * admin user (the server's default ACL, §4).
   */
  readAllEvents(options?: ReadAllEventsOptions): ReadEventsResult {
    return readAllEvents(contextOf(this), options);
  }

  /**
   * The commit position of the last recorded event in the database, system events excluded by default; 0 when
   * there is none. It reads all streams, so on a secure server it needs an admin user.
   */
  getCommitPosition(options?: GetCommitPositionOptions): Promise<bigint> {
    return getCommitPosition(contextOf(this), options);
  }

  /**
   * Deletes a stream, softly: reads of it then fail with StreamNotFoundError, as if it had never existed, until
   * events are appended to it again; their positions continue after the deleted ones. `expectedPosition` is the
   * position of the stream's last event, or by default no check.
   * @returns the commit position of the record that marks the stream deleted.
   * @throws StreamNotFoundError when the stream does not exist; ExpectedPositionError when its last event is not
   * where `expectedPosition` says; StreamDeletedError when it was tombstoned.
   */
  deleteStream(options: DeleteStreamOptions): Promise<bigint> {
    return deleteStream(contextOf(this), options);
  }

  /**
   * Deletes a stream for good ("tombstones" it): reads of it and appends to it then fail with
   * StreamDeletedError, and its name can never be used again. `expectedPosition` is the position of the
   * stream's last event, `null` for a stream that must not exist, or by default no check.
   * @returns the commit position of the tombstone.
   * @throws ExpectedPositionError when the stream's last event is not where `expectedPosition` says;
   * StreamNotFoundError when it expected a position of a stream that does not exist; StreamDeletedError when
   * it was tombstoned already.
   */
  tombstoneStream(options: DeleteStreamOptions): Promise<bigint> {
    return tombstoneStream(contextOf(this), options);
  }

  /**
   * The metadata of a stream, and its position in the stream's metastream (`$$<streamName>`), which is the
   * `expectedPosition` that `setStreamMetadata` then needs. A stream whose metadata was never set gives
   * `{ metadata: {}, position: null }`.
   * @throws AccessDeniedError when the user may not read the stream's metadata; StreamDeletedError when the
   * stream was tombstoned.
   */
  getStreamMetadata(options: GetStreamMetadataOptions): Promise<GetStreamMetadataResult> {
    return getStreamMetadata(contextOf(this), options);
  }

  /**
   * Replaces the metadata of a stream: its maximum age and count of events, truncation, access-control list and
   * the application's own keys.
   * @returns the commit position of the metadata event.
   * @throws ExpectedPositionError when the metadata is no longer at `expectedPosition` (someone else changed
   * it); AccessDeniedError when the user may not write the stream's metadata.
   */
  setStreamMetadata(options: SetStreamMetadataOptions): Promise<bigint> {
    return setStreamMetadata(contextOf(this), options);
  }
}
