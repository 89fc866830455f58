/**
 * What the emulator's Projections gRPC service asks of a node's projection manager: the operations of the
 * server's projection management (EventStore.Projections.Core/Services/Management/ProjectionManager.cs), in the
 * terms the service's requests carry. The service (services/projections/) maps requests and errors to the wire;
 * the manager (projections/) runs the projections. Neither knows how the other works.
 */

/** A projection's mode, as the server names it in statistics. */
export type ProjectionMode = 'OneTime' | 'Continuous' | 'Transient';

/**
 * The authenticated user a call runs as (§3.17.4): its name and its groups (`$admins`, `$ops`, …). Where an
 * operation takes `RunAsUser | undefined`, undefined is the node's system account, which every call of an
 * insecure node runs as.
 */
export interface RunAsUser {
  readonly name: string;
  readonly groups: readonly string[];
}

/** What `Create` asks for. */
export interface ProjectionDefinition {
  readonly name: string;
  readonly mode: ProjectionMode;
  /** The projection's JavaScript source. */
  readonly query: string;
  /** Whether `emit`, `linkTo` and `copyTo` may write (Continuous only; OneTime and Transient never emit). */
  readonly emitEnabled: boolean;
  readonly trackEmittedStreams: boolean;
}

/** One projection's statistics, with the server's field names and values (StatisticsResp.Details). */
export interface ProjectionStatistics {
  readonly name: string;
  readonly effectiveName: string;
  /** As the server reports it, e.g. `Running`, `Stopped`, `Faulted`, `Completed/Stopped/Writing results`. */
  readonly status: string;
  /** Why it is in its status; a faulted projection's error message. Empty otherwise. */
  readonly stateReason: string;
  readonly mode: ProjectionMode;
  /** The checkpoint tag of the last event processed, as the server prints it (`C:…/P:…` for `$all`). */
  readonly position: string;
  /** Percent done, 0–100 (−1 when not known). */
  readonly progress: number;
  readonly lastCheckpoint: string;
  readonly eventsProcessedAfterRestart: bigint;
  readonly checkpointStatus: string;
  readonly bufferedEvents: bigint;
  readonly writePendingEventsBeforeCheckpoint: number;
  readonly writePendingEventsAfterCheckpoint: number;
  readonly writesInProgress: number;
  readonly readsInProgress: number;
  readonly partitionsCached: number;
  readonly coreProcessingTime: bigint;
  readonly version: bigint;
  readonly epoch: bigint;
}

/** Which projections `Statistics` lists. */
export type StatisticsSelector =
  { readonly name: string } | { readonly all: true } | { readonly mode: ProjectionMode };

/** What `Delete` removes besides the projection. */
export interface DeleteOptions {
  readonly deleteEmittedStreams: boolean;
  readonly deleteStateStream: boolean;
  readonly deleteCheckpointStream: boolean;
}

/**
 * Why an operation was refused, with the server's wording in `message`; the service turns each kind into the
 * status the server answers with.
 */
export class ProjectionManagementError extends Error {
  constructor(
    readonly kind: 'not-found' | 'conflict' | 'invalid' | 'not-running' | 'access-denied',
    message: string,
  ) {
    super(message);
    this.name = 'ProjectionManagementError';
  }
}

/**
 * A node's projection manager. Every operation resolves once the server would answer (writes of the
 * manager's own streams done); failures reject with {@link ProjectionManagementError}. `runAs` is who the call
 * runs as (undefined: the system), for the server's permission rules; Create keeps it in the definition.
 */
export interface ProjectionManagement {
  create(definition: ProjectionDefinition, runAs: RunAsUser | undefined): Promise<void>;
  /** A new query; `emitEnabled` undefined keeps the current setting. */
  update(
    name: string,
    query: string,
    emitEnabled: boolean | undefined,
    runAs: RunAsUser | undefined,
  ): Promise<void>;
  delete(name: string, options: DeleteOptions, runAs: RunAsUser | undefined): Promise<void>;
  statistics(selector: StatisticsSelector): Promise<readonly ProjectionStatistics[]>;
  enable(name: string, runAs: RunAsUser | undefined): Promise<void>;
  /** `writeCheckpoint` true is the server's Disable, false its Abort. */
  disable(name: string, writeCheckpoint: boolean, runAs: RunAsUser | undefined): Promise<void>;
  reset(name: string, writeCheckpoint: boolean, runAs: RunAsUser | undefined): Promise<void>;
  /** The partition's state as JSON text (`''` is the unpartitioned state), or undefined if it has none. */
  state(name: string, partition: string): Promise<string | undefined>;
  /** The partition's result as JSON text, or undefined if it has none. */
  result(name: string, partition: string): Promise<string | undefined>;
  restartSubsystem(): Promise<void>;
}
