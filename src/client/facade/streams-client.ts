/**
 * The stream methods of the facade: appends, positions and reads (and, as the client grows, deletes and
 * metadata). Each method checks nothing itself: it hands its options to its operation's module.
 */
import { appendEvents, type AppendEventsOptions } from '../streams/append-events.js';
import { getCommitPosition, type GetCommitPositionOptions } from '../streams/get-commit-position.js';
import { getStreamPosition, type GetStreamPositionOptions } from '../streams/get-stream-position.js';
import type { ReadEventsResult } from '../streams/read-events-result.js';
import {
  readAllEvents,
  type ReadAllEventsOptions,
  readStreamEvents,
  type ReadStreamEventsOptions,
} from '../streams/read-events.js';
import { ClientCore, contextOf } from './client-core.js';

/** The stream methods of an {@link EsdbClient}; see there. */
export class StreamsClient extends ClientCore {
  /**
   * Appends events to a stream, atomically: all of them are recorded, or none.
   * @returns the commit position of the last event appended.
   * @throws ExpectedPositionError when the stream's last event is not where `expectedPosition` says.
   */
  appendEvents(options: AppendEventsOptions): Promise<bigint> {
    return appendEvents(contextOf(this), options);
  }

  /** The position of the stream's last event, or `null` when the stream does not exist. */
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
}
