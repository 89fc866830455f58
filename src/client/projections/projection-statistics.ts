/** What {@link EsdbClient.getProjectionStatistics} reports about one projection (docs/protocol.md §2.8). */
export interface ProjectionStatistics {
  /** The projection's name. */
  readonly name: string;
  /** The name it runs under (the same as `name` for the projections the client creates). */
  readonly effectiveName: string;
  /**
   * What it is doing, as the server words it: `Running`, `Stopped`, `Faulted`, or a compound such as
   * `Stopped/Writing results`.
   */
  readonly status: string;
  /** Why it is in its status: a faulted projection's error message; empty otherwise. */
  readonly stateReason: string;
  /** `Continuous`, `OneTime` or `Transient`. */
  readonly mode: string;
  /** The position of the last event it processed, as the server prints it (e.g. `C:1234/P:1234`). */
  readonly position: string;
  /** Percent done, 0–100, as far as the server can tell (−1 when it cannot). */
  readonly progress: number;
  /** The position of its last checkpoint, as the server prints it. */
  readonly lastCheckpoint: string;
  /** Events processed since it last started. */
  readonly eventsProcessedAfterRestart: bigint;
  /** What its checkpointing is doing, e.g. empty or `Requested`. */
  readonly checkpointStatus: string;
  /** Events read but not processed yet. */
  readonly bufferedEvents: bigint;
  /** Emitted events waiting to be written before the next checkpoint. */
  readonly writePendingEventsBeforeCheckpoint: number;
  /** Emitted events waiting to be written after the next checkpoint. */
  readonly writePendingEventsAfterCheckpoint: number;
  /** Writes under way. */
  readonly writesInProgress: number;
  /** Reads under way. */
  readonly readsInProgress: number;
  /** Partitions whose state is held in memory. */
  readonly partitionsCached: number;
  /** Milliseconds spent processing events. */
  readonly coreProcessingTime: bigint;
  /** The version of its definition: it grows with each update. */
  readonly version: bigint;
  /** The epoch of its definition: it grows when it is reset. */
  readonly epoch: bigint;
}
