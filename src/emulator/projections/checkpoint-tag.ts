/**
 * Where a user projection is in its input: its checkpoint tag (Services/Processing/Checkpointing/CheckpointTag.cs,
 * 24.10). A `fromAll()` projection counts log positions (`Position` mode); one reading streams counts event
 * numbers per stream (`Stream` mode for one stream, `MultiStream` for several; `fromCategory` reads `$ce-…`).
 * The tag is printed in statistics (`ToString`) and written into the metadata of everything the projection
 * writes (`WriteTo`, after `$v`).
 */
import { jsonString } from '../persistent/dotnet-json.js';

/** `ProjectionsSubsystem.VERSION` of 24.10: the last part of `$v`. */
const PROJECTIONS_SUBSYSTEM_VERSION = 4;

/** The version a projection writes with: its id, the epoch of its last reset, and its definition version. */
export interface ProjectionVersion {
  readonly projectionId: number;
  readonly epoch: number;
  readonly version: number;
}

export type CheckpointTag =
  | { readonly mode: 'position'; readonly position: bigint }
  | { readonly mode: 'streams'; readonly streams: ReadonlyMap<string, bigint> };

/** The tag before anything is read: position -1 (printed as the server does), or -1 for each stream. */
export function zeroTag(streams: readonly string[] | undefined): CheckpointTag {
  if (streams === undefined) return { mode: 'position', position: -1n };
  return { mode: 'streams', streams: new Map(streams.map((stream) => [stream, -1n])) };
}

/** The tag after reading `number` of `stream` (stream modes) or the record at `position`. */
export function advance(tag: CheckpointTag, position: bigint, stream: string, number: bigint): CheckpointTag {
  if (tag.mode === 'position') return { mode: 'position', position };
  const streams = new Map(tag.streams);
  streams.set(stream, number);
  return { mode: 'streams', streams };
}

/** `CheckpointTag.ToString`: `C:…/P:…`, `stream: n`, or `a: n; b: m; `. */
export function tagText(tag: CheckpointTag): string {
  if (tag.mode === 'position') return `C:${tag.position}/P:${tag.position}`;
  const entries = [...tag.streams];
  const [only] = entries;
  if (entries.length === 1 && only !== undefined) return `${only[0]}: ${only[1]}`;
  return entries.map(([stream, number]) => `${stream}: ${number}; `).join('');
}

/** The tag's properties in `WriteTo` order, without braces: `"$c":…,"$p":…` or `"$s":{…}`. */
function tagProperties(tag: CheckpointTag): string[] {
  if (tag.mode === 'position') return [`"$c":${tag.position}`, `"$p":${tag.position}`];
  const streams = [...tag.streams].map(([stream, number]) => `${jsonString(stream)}:${number}`);
  return [`"$s":{${streams.join(',')}}`];
}

/** `$v`: `id:epoch:version:subsystem`. */
function versionText(version: ProjectionVersion): string {
  return `${version.projectionId}:${version.epoch}:${version.version}:${PROJECTIONS_SUBSYSTEM_VERSION}`;
}

/**
 * Metadata of an event the projection writes: `$v`, the tag, the extra properties (raw JSON), then `$causedBy`
 * and `$correlationId` (Emitting/EmittedStream.cs `MetadataWithCausedByAndCorrelationId`), compact.
 */
export function taggedMetadata(
  version: ProjectionVersion,
  tag: CheckpointTag,
  extra: readonly (readonly [string, string | null])[] = [],
  causedBy?: string,
  correlationId?: string,
): string {
  const parts = [`"$v":${jsonString(versionText(version))}`, ...tagProperties(tag)];
  for (const [name, raw] of extra) parts.push(`${jsonString(name)}:${raw ?? 'null'}`);
  if (causedBy !== undefined) parts.push(`"$causedBy":${jsonString(causedBy)}`);
  if (correlationId !== undefined && correlationId !== '') {
    parts.push(`"$correlationId":${jsonString(correlationId)}`);
  }
  return `{${parts.join(',')}}`;
}

/** A tag and version read back from a checkpoint's metadata; undefined if it is not one. */
export function parseTaggedMetadata(
  metadata: string,
): { readonly version: ProjectionVersion; readonly tag: CheckpointTag } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { $v: v, $s: s } = parsed as { $v?: unknown; $s?: unknown };
  const parts = typeof v === 'string' ? v.split(':').map(Number) : [];
  const [projectionId, epoch, version] = parts;
  if (projectionId === undefined || epoch === undefined || version === undefined) return undefined;
  const projectionVersion = { projectionId, epoch, version };
  const commit = /"\$c":(-?\d+)/.exec(metadata)?.[1];
  if (commit !== undefined)
    return { version: projectionVersion, tag: { mode: 'position', position: BigInt(commit) } };
  if (typeof s !== 'object' || s === null) return undefined;
  // Numbers are read from the text so that event numbers above 2^53 survive.
  const streams = new Map<string, bigint>();
  for (const stream of Object.keys(s)) {
    const raw = new RegExp(`${escapeRegExp(jsonString(stream))}:(-?\\d+)`).exec(metadata)?.[1];
    if (raw !== undefined) streams.set(stream, BigInt(raw));
  }
  return { version: projectionVersion, tag: { mode: 'streams', streams } };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether the record (its position, or its stream and number) is at or before the tag: already processed. */
export function isAtOrBefore(tag: CheckpointTag, position: bigint, stream: string, number: bigint): boolean {
  if (tag.mode === 'position') return position <= tag.position;
  const last = tag.streams.get(stream);
  return last !== undefined && number <= last;
}

/**
 * Whether `written` is at or past `tag` for the same projection and epoch: an event a projection wrote there
 * already (the server's EmittedStream skips such events when a projection goes over the same input again).
 */
export function alreadyWrittenAt(written: string, version: ProjectionVersion, tag: CheckpointTag): boolean {
  const parsed = parseTaggedMetadata(written);
  if (parsed === undefined || parsed.version.projectionId !== version.projectionId) return false;
  if (parsed.version.epoch < version.epoch) return false;
  const last = parsed.tag;
  if (tag.mode === 'position') return last.mode === 'position' && last.position >= tag.position;
  if (last.mode !== 'streams') return false;
  return [...tag.streams].every(([stream, number]) => (last.streams.get(stream) ?? -1n) >= number);
}
