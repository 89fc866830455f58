/**
 * The streams the server keeps for a projection named `name` (Services/Processing/ProjectionNamesBuilder.cs,
 * 24.10): its definition, checkpoints, results and per-partition streams, all under `$projections-`.
 */
import type { QueryDefinition } from './js-sandbox.js';

const PREFIX = '$projections-';

/** `$projections-<name>`: the projection's persisted definition (`$ProjectionUpdated` events). */
export const definitionStreamOf = (name: string): string => `${PREFIX}${name}`;

/** `$projections-<name>-checkpoint`: its `$ProjectionCheckpoint` events. */
export const checkpointStreamOf = (name: string): string => `${PREFIX}${name}-checkpoint`;

/** `$projections-<name>-emittedstreams`: a `$StreamTracked` event naming each stream it emitted to. */
export const emittedStreamsStreamOf = (name: string): string => `${PREFIX}${name}-emittedstreams`;

/** `$projections-<name>-emittedstreams-checkpoint`: how far a deletion of its emitted streams got. */
export const emittedStreamsCheckpointStreamOf = (name: string): string =>
  `${PREFIX}${name}-emittedstreams-checkpoint`;

/** `$projections-<name>-<partition>-checkpoint`: a partition's `$Checkpoint` events. */
export const partitionCheckpointStreamOf = (name: string, partition: string): string =>
  `${PREFIX}${name}-${partition}-checkpoint`;

/** The stream of the unpartitioned result: `resultStreamName`/`outputTo`, or `$projections-<name>-result`. */
export function resultStreamOf(name: string, definition: QueryDefinition): string {
  return definition.resultStreamName ?? `${PREFIX}${name}-result`;
}

/** A partition's result stream: the `outputTo` pattern with `{0}`, or `$projections-<name>-<partition>-result`. */
export function partitionResultStreamOf(
  name: string,
  definition: QueryDefinition,
  partition: string,
): string {
  if (partition === '') return resultStreamOf(name, definition);
  const pattern = definition.partitionResultStreamNamePattern ?? `${PREFIX}${name}-{0}-result`;
  return pattern.split('{0}').join(partition);
}
