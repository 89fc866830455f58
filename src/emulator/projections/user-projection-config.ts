/**
 * What a user projection's core (user-projection-core.ts) is given by its managed projection
 * (managed-projection.ts): its definition, and where to say that it stopped by itself.
 */
import type { ProjectionVersion } from './checkpoint-tag.js';
import type { ProjectionMode } from './projection-management.js';

/** What a core needs to know of its managed projection. */
export interface CoreConfig {
  readonly name: string;
  readonly mode: ProjectionMode;
  readonly query: string;
  readonly emitEnabled: boolean;
  /** Whether each stream it emits to is recorded, for a later Delete to remove (emitted-streams.ts). */
  readonly trackEmittedStreams: boolean;
  readonly version: ProjectionVersion;
}

/** How a core tells its managed projection that it stopped by itself. */
export interface CoreListener {
  faulted(reason: string): void;
  completed(): void;
}
