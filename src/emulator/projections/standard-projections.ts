/**
 * The standard projections under the manager: those enabled run together in one runner (at start with
 * `startStandardProjections`, or after Enable), so their output interleaves record by record as it did
 * before the manager existed; enabling or disabling one starts a new runner over the enabled set, which takes
 * up each projection where the log shows it stopped. The server does not let them be deleted
 * (ProjectionManager.cs `IsSystemProjection`). Statistics follow projection-statistics.ts, with the version a
 * started standard projection writes with (emission.ts).
 */
import type { EventStore } from '../store/event-store.js';
import type { ProjectionStatistics } from './projection-management.js';
import { ProjectionRunner } from './projection-runner.js';
import { statisticsOf } from './projection-statistics.js';
import { STANDARD_PROJECTIONS, type StandardProjection } from './standard-handlers.js';

/** Created with version 0 and epoch -1; enabling bumps the version to 1 (ManagedProjection.cs). */
const CREATED_VERSION = 0;
const ENABLED_VERSION = 1;

export class StandardProjections {
  private runner: ProjectionRunner | undefined;
  private readonly enabled = new Set<string>();
  private readonly enabledOnce = new Set<string>();
  private readonly lastPosition = new Map<string, bigint>();

  constructor(private readonly store: EventStore) {}

  /** Whether `name` is a standard projection's. */
  has(name: string): boolean {
    return STANDARD_PROJECTIONS.some((projection) => projection.name === name);
  }

  /** The names of those running. */
  get running(): readonly string[] {
    return [...this.enabled];
  }

  /** Enables or disables the named projections; the runner restarts if that changes what runs. */
  setEnabled(names: readonly string[], enabled: boolean): void {
    const before = this.enabled.size;
    for (const name of names) {
      if (enabled) this.enabled.add(name);
      else this.enabled.delete(name);
    }
    if (this.enabled.size !== before) this.restartRunner();
  }

  /** Stops them all, as the node stops. */
  stop(): void {
    this.savePositions();
    this.runner?.stop();
    this.runner = undefined;
  }

  private restartRunner(): void {
    this.stop();
    const running = STANDARD_PROJECTIONS.filter((projection) => this.enabled.has(projection.name));
    for (const projection of running) this.enabledOnce.add(projection.name);
    if (running.length === 0) return;
    this.runner = new ProjectionRunner(this.store, running);
    this.runner.start();
  }

  private savePositions(): void {
    for (const projection of STANDARD_PROJECTIONS) {
      if (this.runner !== undefined && this.enabled.has(projection.name)) {
        this.lastPosition.set(projection.name, this.runner.positionOf(projection.id));
      }
    }
  }

  /** The statistics of all five, in creation order. */
  statistics(): ProjectionStatistics[] {
    return STANDARD_PROJECTIONS.map((projection) => this.statisticsOf(projection));
  }

  /** One projection's statistics. */
  statisticsOf(projection: StandardProjection): ProjectionStatistics {
    const running = this.enabled.has(projection.name);
    const position =
      running && this.runner !== undefined
        ? this.runner.positionOf(projection.id)
        : (this.lastPosition.get(projection.name) ?? -1n);
    const tag = position < 0n ? '' : `C:${position}/P:${position}`;
    return statisticsOf({
      name: projection.name,
      mode: 'Continuous',
      state: running ? 'Running' : 'Stopped',
      enabled: running,
      coreReported: true,
      faultedReason: '',
      position: tag,
      lastCheckpoint: tag,
      progress: running ? 100 : -1,
      eventsProcessed: 0n,
      partitionsCached: 1,
      coreProcessingTime: 0n,
      epoch: -1,
      version: this.enabledOnce.has(projection.name) ? ENABLED_VERSION : CREATED_VERSION,
    });
  }
}
