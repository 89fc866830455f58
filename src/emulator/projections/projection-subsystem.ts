/**
 * The projection subsystem a node starts: its projection manager (projection-manager.ts), which registers and
 * runs the standard projections and the user projections as the options ask (projection-options.ts).
 */
import type { EventStore } from '../store/event-store.js';
import type { ProjectionOptions } from './projection-options.js';
import { createProjectionManager, type ProjectionManager } from './projection-manager.js';

export {
  checkProjectionOptions,
  PROJECTIONS_REGISTRATION_STREAM,
  type ProjectionOptions,
  type ProjectionSubsystem,
  type RunProjections,
} from './projection-options.js';

/**
 * Starts the subsystem the options ask for on `store`; undefined when projections are off. The value is the
 * node's projection manager, which the Projections service calls.
 */
export function startProjectionSubsystem(
  store: EventStore,
  options: ProjectionOptions,
): ProjectionManager | undefined {
  return createProjectionManager(store, options);
}
