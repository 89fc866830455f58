/**
 * A user projection under management: its persisted definition, its lifecycle (create, enable, disable,
 * abort, reset, update, delete) and the core that runs it, after the server's
 * Services/Management/ManagedProjection.cs (24.10). Every change bumps the definition's version and is
 * written as a `$ProjectionUpdated` event (transient projections write nothing); a reset also starts a new
 * epoch, so the core starts again from the beginning of the log.
 */
import type { EventStore } from '../store/event-store.js';
import { tagText } from './checkpoint-tag.js';
import { ScriptError } from './js-sandbox.js';
import { writePersistedState, type PersistedState } from './persisted-state.js';
import {
  ProjectionManagementError,
  type DeleteOptions,
  type ProjectionStatistics,
} from './projection-management.js';
import { deleteEmittedStreams } from './emitted-streams.js';
import { checkpointStreamOf } from './projection-names.js';
import { sourceDefinitionJson } from './source-definition.js';
import { statisticsOf, type ManagedState } from './projection-statistics.js';
import { UserProjectionCore } from './user-projection-core.js';

export class ManagedProjection {
  private state: ManagedState = 'Stopped';
  private faultedReason = '';
  private core: UserProjectionCore | undefined;
  private coreReported = false;

  /**
   * @param id the number of its `$ProjectionCreated` event in `$projections-$all`
   * @param enabledToRun whether the node's `runProjections` lets it run (`all`, or a `$` name with `system`)
   */
  constructor(
    private readonly store: EventStore,
    readonly name: string,
    private readonly id: number,
    private persisted: PersistedState,
    private readonly enabledToRun: boolean,
  ) {}

  /** Continuous, one-time or transient. */
  get mode(): PersistedState['mode'] {
    return this.persisted.mode;
  }

  /** A new projection (its persisted version -1): its first definition, version 0, is written; it starts if enabled. */
  initializeNew(): void {
    this.persistAndStart({});
  }

  /** A projection found in the log at start: it resumes from its checkpoint if enabled. */
  initializeExisting(): void {
    this.startOrLoadStopped(this.prepare());
  }

  /** Enables and starts it (a running projection is left alone). */
  enable(): void {
    if (this.persisted.enabled && this.state === 'Running') return;
    this.stopCore(true);
    this.persistAndStart({ enabled: true });
  }

  /** `writeCheckpoint` false is the server's Abort: what was processed since the last checkpoint is dropped. */
  disable(writeCheckpoint: boolean): void {
    this.stopCore(writeCheckpoint);
    this.persistAndStart({ enabled: false });
  }

  /** A new epoch: state, checkpoints and results start again from the beginning of the log. */
  reset(writeCheckpoint: boolean): void {
    this.stopCore(writeCheckpoint);
    const version = this.persisted.version + 1;
    this.persistAndStart({ version, epoch: version });
  }

  /** A new query (and `emitEnabled` if given); it goes on from its checkpoint with it. */
  update(query: string, emitEnabled: boolean | undefined): void {
    this.stopCore(true);
    this.persistAndStart({ query, emitEnabled: emitEnabled ?? this.persisted.emitEnabled });
  }

  /**
   * Only a stopped or faulted projection (or a transient one) can be deleted. ManagedProjection `Handle(Delete)`
   * and `DeleteProjectionStreams`: the checkpoint stream is deleted (a continuous projection's, if asked)
   * before the definition is written; the emitted streams (an emitting projection's, if asked) after it.
   * Nothing deletes the result streams: `deleteStateStream` is only recorded.
   */
  delete(options: DeleteOptions): void {
    if (this.state !== 'Stopped' && this.state !== 'Faulted' && this.mode !== 'Transient') {
      throw new ProjectionManagementError(
        'invalid',
        "Cannot delete a projection that hasn't been stopped or faulted.",
      );
    }
    this.stopCore(false);
    const checkpoint = options.deleteCheckpointStream && this.mode === 'Continuous';
    const emitted = options.deleteEmittedStreams && this.persisted.emitEnabled;
    if (checkpoint) this.store.softDelete(checkpointStreamOf(this.name), { kind: 'any' });
    this.persist({ enabled: false, ...deletionFields(options, checkpoint, emitted, this.persisted) });
    if (emitted) deleteEmittedStreams(this.store, this.name);
  }

  /**
   * Suspends the core where it is, without a checkpoint, as a node shutting down does
   * (Services/Processing/ProjectionCoreService.cs `StopProjections`, CoreProjection.cs `Suspend`).
   */
  shutDown(): void {
    this.stopCore(false);
  }

  /** Its statistics as the server reports them. */
  statistics(): ProjectionStatistics {
    const core = this.core;
    return statisticsOf({
      name: this.name,
      mode: this.mode,
      state: this.state,
      enabled: this.persisted.enabled,
      coreReported: this.coreReported,
      faultedReason: this.faultedReason,
      position: core === undefined ? '' : tagText(core.tag),
      lastCheckpoint: core?.lastCheckpoint === undefined ? '' : tagText(core.lastCheckpoint),
      progress: this.state === 'Running' || this.state === 'Completed' ? 100 : -1,
      eventsProcessed: core?.eventsProcessed ?? 0n,
      partitionsCached: core?.partitions.size ?? 0,
      coreProcessingTime: BigInt(Math.round(core?.processingMs ?? 0)),
      epoch: this.persisted.epoch,
      version: this.persisted.version,
    });
  }

  /** The partition's state text, if it has one. */
  stateOf(partition: string): string | undefined {
    return this.core?.partitions.get(partition)?.state ?? undefined;
  }

  /** The partition's result text, if it has one. */
  resultOf(partition: string): string | undefined {
    return this.core?.partitions.get(partition)?.result ?? undefined;
  }

  private persist(change: Partial<PersistedState>): void {
    const version = change.version ?? this.persisted.version + 1;
    this.persisted = { ...this.persisted, ...change, version };
    if (this.mode === 'Transient') return;
    writePersistedState(this.store, this.name, this.persisted);
  }

  /**
   * ManagedProjection `PrepareOrWriteStartOrLoadStopped`: the core compiles the query (Prepare), the definition
   * is written with the sources it declared (none if it did not compile: PreparingState.cs), then the core
   * starts if enabled, or loads stopped.
   */
  private persistAndStart(change: Partial<PersistedState>): void {
    const version = change.version ?? this.persisted.version + 1;
    this.persisted = { ...this.persisted, ...change, version };
    const core = this.prepare();
    const sourceDefinition = core === undefined ? undefined : sourceDefinitionJson(core.definition);
    this.persist({ sourceDefinition, version });
    this.startOrLoadStopped(core);
  }

  /** A core for the current definition; undefined, and the projection faulted, if the query does not compile. */
  private prepare(): UserProjectionCore | undefined {
    this.core = undefined;
    this.faultedReason = '';
    try {
      return new UserProjectionCore(
        this.store,
        {
          name: this.name,
          mode: this.mode,
          query: this.persisted.query,
          emitEnabled: this.persisted.emitEnabled,
          trackEmittedStreams: this.persisted.trackEmittedStreams,
          version: { projectionId: this.id, epoch: this.persisted.epoch, version: this.persisted.version },
        },
        {
          faulted: (reason) => {
            this.faulted(reason);
          },
          completed: () => {
            this.state = 'Completed';
          },
        },
      );
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      this.faulted(error.message);
      return undefined;
    }
  }

  /** ManagedProjection `StartOrLoadStopped`: a prepared core runs if enabled, else it only loads its state. */
  private startOrLoadStopped(core: UserProjectionCore | undefined): void {
    if (core === undefined) return;
    const run = this.persisted.enabled && this.enabledToRun;
    try {
      this.core = core;
      core.load();
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      this.faulted(error.message);
      return;
    }
    this.coreReported = this.coreReported || run;
    this.state = run ? 'Running' : 'Stopped';
    if (run) core.run();
  }

  private faulted(reason: string): void {
    this.state = 'Faulted';
    this.faultedReason = reason;
  }

  private stopCore(writeCheckpoint: boolean): void {
    this.core?.stop(writeCheckpoint);
  }
}

/**
 * What a Delete's definition says. With no stream to delete the server finishes at once (the definition says
 * `deleted`, with the countdown at -1); otherwise the definition is written while deletions are under way
 * (`deleting`, the countdown at the deletions still awaited: the checkpoint stream, and the emitted streams
 * when they were tracked).
 */
function deletionFields(
  options: DeleteOptions,
  checkpoint: boolean,
  emitted: boolean,
  persisted: PersistedState,
): Pick<PersistedState, 'deleted' | 'deletion'> {
  const awaited = (checkpoint ? 1 : 0) + (emitted && persisted.trackEmittedStreams ? 1 : 0);
  const underWay = checkpoint || emitted;
  return {
    deleted: !underWay,
    deletion: {
      prerequisites: underWay ? awaited : awaited - 1,
      deleting: underWay,
      deleteEmittedStreams: options.deleteEmittedStreams,
      deleteCheckpointStream: options.deleteCheckpointStream,
      deleteStateStream: options.deleteStateStream,
    },
  };
}
