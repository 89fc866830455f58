/**
 * The standard projections under the manager: those enabled run together in one runner (at start with
 * `startStandardProjections`, or after Enable), so their output interleaves record by record as it did
 * before the manager existed; enabling or disabling one starts a new runner over the enabled set, which takes
 * up each projection where its progress is (standard-progress.ts: its last checkpoint when it starts; one
 * that is disabled writes its checkpoint). The server does not let them be deleted
 * (ProjectionManager.cs `IsSystemProjection`). Each keeps its definition in `$projections-<name>` as a user
 * projection does (persisted-state.ts): ProjectionManager.cs `CreateSystemProjections` creates them disabled
 * (version 0), and every Enable or Disable writes the next version, so a node started again on a durable log
 * runs those that were running. With `startStandardProjections` the server's ProjectionsSubsystem.cs enables,
 * once per node start, each one that comes up stopped. Statistics follow projection-statistics.ts.
 */
import type { EventStore } from '../store/event-store.js';
import { lastPersistedState, writePersistedState, type PersistedState } from './persisted-state.js';
import type { ProjectionStatistics } from './projection-management.js';
import { ProjectionRunner } from './projection-runner.js';
import { statisticsOf } from './projection-statistics.js';
import { configuredBy, STANDARD_PROJECTIONS, type StandardProjection } from './standard-handlers.js';
import { lastEmittedPositions, StandardProgress } from './standard-progress.js';
import { SYSTEM_RUN_AS } from './run-as.js';
import { standardSourceDefinitionJson } from './source-definition.js';

/** Each one's handler class in the server's EventStore.Projections.Core.Standard, and its configuration. */
const NATIVE_HANDLERS: Readonly<Record<string, readonly [string, string]>> = {
  $streams: ['IndexStreams', ''],
  $stream_by_category: ['CategorizeStreamByPath', 'first\r\n-'],
  $by_category: ['CategorizeEventsByStreamPath', 'first\r\n-'],
  $by_event_type: ['IndexEventsByEventType', ''],
  $by_correlation_id: ['ByCorrelationId', '{"correlationIdProperty":"$correlationId"}'],
};

/** What `CreateSystemProjectionPost` gives one: continuous, disabled, emitting, checkpointed. */
function createdState(name: string): PersistedState {
  const [handler, query] = NATIVE_HANDLERS[name] ?? ['', ''];
  return {
    handlerType: `native:EventStore.Projections.Core.Standard.${handler}`,
    query,
    mode: 'Continuous',
    enabled: false,
    deleted: false,
    emitEnabled: true,
    trackEmittedStreams: false,
    epoch: -1,
    version: 0,
    runAs: SYSTEM_RUN_AS,
    sourceDefinition: standardSourceDefinitionJson(!['$by_event_type', '$by_correlation_id'].includes(name)),
  };
}

export class StandardProjections {
  private runner: ProjectionRunner | undefined;
  private readonly enabled = new Set<string>();
  private readonly persisted = new Map<string, PersistedState>();
  /** Why a projection that was to run could not start with its query (its handler refused the query). */
  private readonly faults = new Map<string, string>();
  /** Each one's progress since it last started on this node (kept after it stops, for its statistics). */
  private readonly progress = new Map<string, StandardProgress>();

  constructor(private readonly store: EventStore) {}

  /**
   * Reads each one's definition from the log, writing version 0 for those that have none yet, and runs those
   * enabled; `enableStopped` (a node starting with `startStandardProjections`) enables the others first.
   */
  start(enableStopped: boolean): void {
    for (const { name } of STANDARD_PROJECTIONS) {
      const found = lastPersistedState(this.store, name);
      if (found === undefined) writePersistedState(this.store, name, createdState(name));
      this.persisted.set(name, found ?? createdState(name));
    }
    for (const { name } of STANDARD_PROJECTIONS) {
      if (enableStopped && this.persisted.get(name)?.enabled !== true) this.persist(name, true);
      if (this.persisted.get(name)?.enabled === true) this.enabled.add(name);
    }
    const written = this.writtenUpTo();
    for (const projection of STANDARD_PROJECTIONS) {
      if (this.enabled.has(projection.name)) this.load(projection, written);
    }
    this.restartRunner();
  }

  /** Per projection id, where what it wrote in its current epoch stops (standard-progress.ts). */
  private writtenUpTo(): Map<number, bigint> {
    return lastEmittedPositions(this.store, (id) => {
      const projection = STANDARD_PROJECTIONS.find((candidate) => candidate.id === id);
      return projection === undefined ? -1 : (this.persisted.get(projection.name)?.epoch ?? -1);
    });
  }

  /** It starts from its last checkpoint of its epoch, with the version of its definition. */
  private load(projection: StandardProjection, written: ReadonlyMap<number, bigint>): void {
    const version = StandardProgress.versionOf(
      projection,
      this.persisted.get(projection.name) ?? createdState(projection.name),
    );
    const writtenUpTo = written.get(projection.id) ?? -1n;
    this.progress.set(projection.name, new StandardProgress(this.store, projection, version, writtenUpTo));
  }

  /** Whether `name` is a standard projection's. */
  has(name: string): boolean {
    return STANDARD_PROJECTIONS.some((projection) => projection.name === name);
  }

  /**
   * Enable writes the next version unless it is running already; Disable always does, after the checkpoint of
   * a running projection unless `writeCheckpoint` is false (Abort) (ManagedProjection.cs).
   */
  setEnabled(name: string, enabled: boolean, writeCheckpoint = true): void {
    const wasRunning = this.enabled.has(name);
    if (enabled && wasRunning && this.faultOf(name) === undefined) return;
    this.faults.delete(name);
    if (!enabled && wasRunning) this.progress.get(name)?.stop(writeCheckpoint);
    this.persist(name, enabled);
    if (enabled) this.enabled.add(name);
    else this.enabled.delete(name);
    const projection = STANDARD_PROJECTIONS.find((candidate) => candidate.name === name);
    if (enabled && projection !== undefined) this.load(projection, this.writtenUpTo());
    if (enabled || wasRunning) this.restartRunner();
  }

  /**
   * Reset (ManagedProjection `Handle(Reset)`; ProjectionManager.cs lets it reach a `$` projection too): the
   * next version, which becomes its epoch. One that runs stops as on Disable (a checkpoint unless
   * `writeCheckpoint` is false) and starts again from the beginning of the log, writing again, in new logical
   * streams, all it had written (emitted-stream-start.ts).
   */
  reset(name: string, writeCheckpoint: boolean): void {
    const running = this.enabled.has(name);
    if (running) this.progress.get(name)?.stop(writeCheckpoint);
    const current = this.persisted.get(name) ?? createdState(name);
    const version = current.version + 1;
    const next = { ...current, version, epoch: version };
    this.persisted.set(name, next);
    writePersistedState(this.store, name, next);
    this.faults.delete(name);
    const projection = STANDARD_PROJECTIONS.find((standard) => standard.name === name);
    if (!running || projection === undefined) return;
    this.load(projection, this.writtenUpTo());
    this.restartRunner();
  }

  /**
   * Update (ManagedProjection `UpdateQuery`): the next version with the new query (and emit option, if given).
   * The server then builds the handler again from the query, whether the projection runs or not, and faults
   * it if the query is refused; one that runs goes on, from where it stopped, with the new query.
   */
  update(name: string, query: string, emitEnabled: boolean | undefined): void {
    const current = this.persisted.get(name) ?? createdState(name);
    const next = {
      ...current,
      query,
      emitEnabled: emitEnabled ?? current.emitEnabled,
      version: current.version + 1,
    };
    this.persisted.set(name, next);
    writePersistedState(this.store, name, next);
    this.faults.delete(name);
    const projection = STANDARD_PROJECTIONS.find((standard) => standard.name === name);
    if (projection === undefined) return;
    this.configured(projection);
    if (this.enabled.has(name)) {
      // It stops as a disabled one does, and starts again from that checkpoint with the new version.
      this.progress.get(name)?.stop(true);
      this.load(projection, this.writtenUpTo());
    }
    this.restartRunner();
  }

  /** The projection built from its query; undefined (and faulted with the handler's reason) if refused. */
  private configured(projection: StandardProjection): StandardProjection | undefined {
    try {
      return configuredBy(projection, this.persisted.get(projection.name)?.query ?? '');
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      this.faults.set(projection.name, error.message);
      return undefined;
    }
  }

  private persist(name: string, enabled: boolean): void {
    const current = this.persisted.get(name) ?? createdState(name);
    const next = { ...current, enabled, version: current.version + 1 };
    this.persisted.set(name, next);
    writePersistedState(this.store, name, next);
  }

  /**
   * Stops them all, as the node (or the subsystem) stops. That suspends them without a checkpoint
   * (ProjectionCoreService.cs `StopProjections`, CoreProjection.cs `Suspend`): started again, each goes over the
   * records after its last checkpoint again.
   */
  stop(): void {
    this.runner?.stop();
    this.runner = undefined;
  }

  /** One runner over those enabled; each goes on from where its progress says. */
  private restartRunner(): void {
    this.stop();
    const running = STANDARD_PROJECTIONS.filter((projection) => this.enabled.has(projection.name)).flatMap(
      (projection) => this.configured(projection) ?? [],
    );
    if (running.length === 0) return;
    const progress = new Map<number, StandardProgress>();
    for (const projection of running) {
      const entry = this.progress.get(projection.name);
      if (entry !== undefined) progress.set(projection.id, entry);
    }
    this.runner = new ProjectionRunner(this.store, running, progress);
    this.runner.start();
  }

  /** The statistics of all five, in creation order. */
  statistics(): ProjectionStatistics[] {
    return STANDARD_PROJECTIONS.map((projection) => this.statisticsOf(projection));
  }

  /** Why it is faulted: its query was refused, or a checkpoint write was (standard-progress.ts). */
  private faultOf(name: string): string | undefined {
    return (
      this.faults.get(name) ?? (this.enabled.has(name) ? this.progress.get(name)?.faultedReason : undefined)
    );
  }

  /** One projection's statistics. */
  statisticsOf(projection: StandardProjection): ProjectionStatistics {
    const fault = this.faultOf(projection.name);
    const running = this.enabled.has(projection.name) && fault === undefined;
    const progress = this.progress.get(projection.name);
    return statisticsOf({
      name: projection.name,
      mode: 'Continuous',
      state: fault !== undefined ? 'Faulted' : running ? 'Running' : 'Stopped',
      enabled: this.enabled.has(projection.name),
      coreReported: true,
      faultedReason: fault ?? '',
      position: progress?.positionText() ?? '',
      lastCheckpoint: progress?.lastCheckpointText() ?? '',
      progress: running ? 100 : -1,
      eventsProcessed: progress?.eventsProcessed ?? 0n,
      partitionsCached: 1,
      coreProcessingTime: BigInt(Math.round(progress?.processingMs ?? 0)),
      epoch: this.persisted.get(projection.name)?.epoch ?? -1,
      version: this.persisted.get(projection.name)?.version ?? 0,
    });
  }
}
