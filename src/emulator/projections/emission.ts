/**
 * What a standard projection emits for one record, and the metadata the server puts on it. The metadata is the
 * projection's checkpoint tag of the record written with its version (Services/Processing/Checkpointing/
 * CheckpointTag.cs `WriteTo`, position mode: `$v`, `$c`, `$p`), then the emitted event's extra properties,
 * then `$causedBy` and `$correlationId` (Services/Processing/Emitting/EmittedStream.cs
 * `MetadataWithCausedByAndCorrelationId`), as compact Newtonsoft JSON. 24.10 sources.
 */
import { jsonString } from '../persistent/dotnet-json.js';

/** One event a projection asks to write. */
export interface Emission {
  readonly stream: string;
  /** `$>` (a link) or `$@` (a stream reference); neither is JSON. */
  readonly eventType: string;
  readonly data: string;
  /** Extra metadata properties after the checkpoint tag, each with its value as raw JSON. */
  readonly extra: readonly (readonly [string, string])[];
}

/** `ProjectionsSubsystem.VERSION` of 24.10: the last part of `$v`. */
const PROJECTIONS_SUBSYSTEM_VERSION = 4;

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** What the metadata of an emitted event is made of, beside the emission's own extra properties. */
export interface EmissionCause {
  /** The emitting projection's id: the number of its `$ProjectionCreated` event in `$projections-$all`. */
  readonly projectionId: number;
  /** The epoch of its last reset: -1 for one never reset. */
  readonly epoch: number;
  /** The version of its definition when it started: 1 after the Enable of `startStandardProjections`. */
  readonly version: number;
  /** Log position of the record that caused the emission (commit and prepare positions are equal, §3.12). */
  readonly position: bigint;
  /** Id of the event processed (the target, for a resolved link). */
  readonly causedBy: string;
  readonly correlationId: string | undefined;
}

/** The metadata bytes' text of an emitted event. */
export function emittedMetadata(emission: Emission, cause: EmissionCause): string {
  const version = `${cause.projectionId}:${cause.epoch}:${cause.version}:${PROJECTIONS_SUBSYSTEM_VERSION}`;
  const parts = [`"$v":${jsonString(version)}`, `"$c":${cause.position}`, `"$p":${cause.position}`];
  for (const [name, raw] of emission.extra) parts.push(`${jsonString(name)}:${raw}`);
  if (cause.causedBy !== EMPTY_GUID) parts.push(`"$causedBy":${jsonString(cause.causedBy)}`);
  if (cause.correlationId !== undefined && cause.correlationId !== '') {
    parts.push(`"$correlationId":${jsonString(cause.correlationId)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The projection id and version in an emitted event's metadata (`$v` is `id:epoch:version:subsystem`), with its `$c`. */
export function emittedBy(
  metadata: string,
): { projectionId: number; version: number; position: bigint } | undefined {
  const match = /^\{"\$v":"(\d+):-?\d+:(\d+):[^"]*","\$c":(\d+),/.exec(metadata);
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) return undefined;
  return { projectionId: Number(match[1]), version: Number(match[2]), position: BigInt(match[3]) };
}
