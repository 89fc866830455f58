/**
 * What the order application needs from an event store: the few calls it makes, in its own words. Two
 * adapters implement it, one over our `EsdbClient` and one over the official client, so that the application
 * (test/app/order-application.ts) can run unchanged on either and the two runs can be compared.
 */

/** An event the application writes: its own id, so that it can recognise the event when it reads it back. */
export interface EventToWrite {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** An event as read back: the recorded event (a link's target when links were resolved) and its link, if any. */
export interface EventRead {
  readonly id: string;
  readonly streamName: string;
  readonly streamPosition: bigint;
  readonly type: string;
  /** The data parsed as JSON. */
  readonly data: unknown;
  /** The link that led to the event, when the read resolved one. */
  readonly link: { readonly streamName: string; readonly streamPosition: bigint } | undefined;
}

/** What {@link EventStorePort.projectionStatus} reports when the server did not answer in time. */
export const NO_ANSWER = 'no answer';

/** How long a status call may take. */
export const STATUS_DEADLINE_MS = 2_000;

/** The event store, as the order application uses it. */
export interface EventStorePort {
  /** Appends to a stream that must not exist yet. */
  appendToNewStream(streamName: string, events: readonly EventToWrite[]): Promise<void>;
  /** Appends to a stream whatever its state. */
  appendToStream(streamName: string, events: readonly EventToWrite[]): Promise<void>;
  /** Every event of a stream, from the start; `[]` when the stream does not exist. */
  readStream(streamName: string, resolveLinks: boolean): Promise<EventRead[]>;
  /** Creates a continuous projection and starts it. */
  createProjection(name: string, query: string): Promise<void>;
  /** Replaces a projection's query. */
  updateProjection(name: string, query: string): Promise<void>;
  /** The projection's state, or one partition's. */
  projectionState(name: string, partition?: string): Promise<unknown>;
  /** The projection's result, or one partition's. */
  projectionResult(name: string, partition?: string): Promise<unknown>;
  /**
   * Its status from its statistics, as the server words it (`Running`, `Stopped`, `Faulted`, …); `undefined`
   * when the server knows no projection by that name; {@link NO_ANSWER} when the server did not answer within
   * {@link STATUS_DEADLINE_MS} (a real node does not answer while its projection subsystem restarts). Only the
   * status: the official client's statistics do not carry the projection's mode.
   */
  projectionStatus(name: string): Promise<string | undefined>;
  disableProjection(name: string): Promise<void>;
  enableProjection(name: string): Promise<void>;
  resetProjection(name: string): Promise<void>;
  /** Deletes a stopped projection with its state and checkpoint streams. */
  deleteProjection(name: string): Promise<void>;
  restartProjectionsSubsystem(): Promise<void>;
}
