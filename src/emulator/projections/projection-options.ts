/**
 * The options of the projection subsystem of an emulated node, and what it registers at start, as the server's `--run-projections` and
 * `--start-standard-projections` set it up (24.10: Configuration/ClusterVNodeOptions.cs, defaults None and
 * false; EventStore.Projections.Core/ProjectionsSubsystem.cs; Services/Management/ProjectionManager.cs).
 *
 * - `none`: no subsystem; nothing is written.
 * - `system` or `all`: at start the manager registers itself and the five standard projections in
 *   `$projections-$all`, created stopped. `system` runs only projections whose names start with `$` (user projections
 *   are kept but do not run); `all` runs user projections too.
 * - `startStandardProjections` (with `system` or `all`): the standard projections are enabled at start and
 *   build `$streams`, `$category-…`, `$ce-…`, `$et-…` and `$bc-…` from the whole log.
 */
import { randomUUID } from 'node:crypto';

import type { EventStore } from '../store/event-store.js';
import type { ProposedEvent } from '../store/stored-event.js';
import { STANDARD_PROJECTIONS } from './standard-handlers.js';

/** Which projections a node runs, as the server's `RunProjections` option. */
export type RunProjections = 'none' | 'system' | 'all';

/** The node options that concern projections. */
export interface ProjectionOptions {
  /**
   * Which projections run, as the server's `--run-projections`: `none` (the default) writes and runs nothing;
   * `system` and `all` start the projection subsystem, which registers the standard projections in
   * `$projections-$all`; `system` runs only the `$` projections, `all` runs user projections too.
   */
  readonly runProjections?: RunProjections;
  /**
   * Enables the standard projections at start (`$streams`, `$stream_by_category`, `$by_category`,
   * `$by_event_type`, `$by_correlation_id`), as the server's `--start-standard-projections`. Needs
   * `runProjections` `system` or `all`. Default `false`.
   */
  readonly startStandardProjections?: boolean;
}

/** The running subsystem; stopping it stops the projections (their output stays in the log). */
export interface ProjectionSubsystem {
  stop(): void;
}

const RUN_PROJECTIONS: readonly RunProjections[] = ['none', 'system', 'all'];

/** The stream where the manager registers projections (ProjectionNamesBuilder.ProjectionsRegistrationStream). */
export const PROJECTIONS_REGISTRATION_STREAM = '$projections-$all';

/** Refuses option values the server would not start with, naming the option and the function given it. */
export function checkProjectionOptions(options: ProjectionOptions, where = 'startEmulator'): void {
  const { runProjections, startStandardProjections } = options;
  if (runProjections !== undefined && !RUN_PROJECTIONS.includes(runProjections)) {
    throw new RangeError(
      `${where}: runProjections must be 'none', 'system' or 'all', got ${JSON.stringify(runProjections)}`,
    );
  }
  if (startStandardProjections !== undefined && typeof startStandardProjections !== 'boolean') {
    throw new TypeError(`${where}: startStandardProjections must be a boolean`);
  }
}

function registrationEvent(eventType: string, data: string): ProposedEvent {
  return {
    eventId: randomUUID(),
    eventType,
    isJson: false,
    data: new Uint8Array(Buffer.from(data, 'utf8')),
    metadata: new Uint8Array(0),
  };
}

/**
 * What a node writes when its projection manager first starts on an empty `$projections-$all`
 * (ProjectionManager.cs `WriteProjectionsInitialized`, then `CreateSystemProjections` posting one batch that
 * `PostNewProjections` writes as one append): `$ProjectionsInitialized` with no data, then one
 * `$ProjectionCreated` per standard projection whose data is its name. A log that has them already is left alone.
 */
export function registerStandardProjections(store: EventStore): void {
  if (store.lastEventNumberOf(PROJECTIONS_REGISTRATION_STREAM) !== -1) return;
  store.append(PROJECTIONS_REGISTRATION_STREAM, { kind: 'no-stream' }, [
    registrationEvent('$ProjectionsInitialized', ''),
  ]);
  store.append(
    PROJECTIONS_REGISTRATION_STREAM,
    { kind: 'revision', revision: 0n },
    STANDARD_PROJECTIONS.map((projection) => registrationEvent('$ProjectionCreated', projection.name)),
  );
}
