/**
 * A user projection's definition as the manager keeps it in the log: each change is a `$ProjectionUpdated`
 * event in `$projections-<name>` whose data is the server's `ManagedProjection.PersistedState`
 * (Services/Management/ManagedProjection.cs, 24.10), written with `Json.ToJsonBytes`
 * (EventStore.Common/Utils/Json.cs: indented, camelCase, enums by name, null and default values left out).
 * The emulator writes the fields it models, `sourceDefinition` and `runAs` among them (§3.17.4).
 */
import { randomUUID } from 'node:crypto';

import { toIndentedJson, type JsonValue } from '../persistent/dotnet-json.js';
import type { EventStore } from '../store/event-store.js';
import type { ProjectionMode } from './projection-management.js';
import { definitionStreamOf } from './projection-names.js';
import { parseRunAs, type SerializedRunAs } from './run-as.js';

export const PROJECTION_UPDATED_EVENT_TYPE = '$ProjectionUpdated';

/** The persisted fields the emulator reads back. */
export interface PersistedState {
  /** `JS` (the default) for a user projection; `native:<class>` for a standard one. */
  readonly handlerType?: string;
  readonly query: string;
  readonly mode: ProjectionMode;
  readonly enabled: boolean;
  readonly deleted: boolean;
  readonly emitEnabled: boolean;
  readonly trackEmittedStreams: boolean;
  /** The version of the last reset (-1: never reset); checkpoints of older epochs are not taken up. */
  readonly epoch: number;
  /** Bumped by every change; the number of the `$ProjectionUpdated` event that records it. */
  readonly version: number;
  /** What a Delete asked for, recorded with the definition it writes (managed-projection.ts `delete`). */
  readonly deletion?: DeletionRecord;
  /** Who it runs as: who created it, `$system` for a standard projection (run-as.ts). */
  readonly runAs: SerializedRunAs;
  /** The query's sources as last compiled (source-definition.ts); absent while the query does not compile. */
  readonly sourceDefinition?: JsonValue;
}

/** The fields a Delete sets in the definition it writes (ManagedProjection `Handle(Command.Delete)`). */
export interface DeletionRecord {
  /** Deletions still to finish when it was written: `-1` once none was needed (the field the server misspells). */
  readonly prerequisites: number;
  readonly deleting: boolean;
  readonly deleteEmittedStreams: boolean;
  readonly deleteCheckpointStream: boolean;
  readonly deleteStateStream: boolean;
}

/** ProjectionConsts.cs defaults written with every state (MaxAllowedWritesInFlight 0 is left out). */
const DEFAULTS = {
  checkpointHandledThreshold: 4000,
  checkpointUnhandledBytesThreshold: 10_000_000,
  pendingEventsThreshold: 5000,
  maxWriteBatchLength: 500,
  projectionSubsystemVersion: 4,
};

/**
 * The event data: false and zero values are left out, as the server's settings ignore defaults. Newtonsoft
 * writes a class's public fields before its properties, so the one field, `NumberOfPrequisitesMetForDeletion`,
 * comes first.
 */
export function persistedStateJson(state: PersistedState): string {
  const fields: Record<string, JsonValue> = {};
  const deletion = state.deletion;
  if (deletion !== undefined && deletion.prerequisites !== 0) {
    fields.numberOfPrequisitesMetForDeletion = deletion.prerequisites;
  }
  fields.handlerType = state.handlerType ?? 'JS';
  fields.query = state.query;
  fields.mode = state.mode;
  if (state.enabled) fields.enabled = true;
  if (state.deleted) fields.deleted = true;
  if (deletion?.deleting === true) fields.deleting = true;
  if (deletion?.deleteEmittedStreams === true) fields.deleteEmittedStreams = true;
  if (deletion?.deleteCheckpointStream === true) fields.deleteCheckpointStream = true;
  if (deletion?.deleteStateStream === true) fields.deleteStateStream = true;
  if (state.sourceDefinition !== undefined) fields.sourceDefinition = state.sourceDefinition;
  fields.emitEnabled = state.emitEnabled;
  fields.checkpointsDisabled = state.mode !== 'Continuous';
  fields.trackEmittedStreams = state.trackEmittedStreams;
  fields.epoch = state.epoch;
  fields.version = state.version;
  fields.runAs = runAsJson(state.runAs);
  return toIndentedJson({ ...fields, ...DEFAULTS });
}

function runAsJson(runAs: SerializedRunAs): JsonValue {
  return runAs.roles === undefined ? { name: runAs.name } : { name: runAs.name, roles: runAs.roles };
}

const MODES: readonly ProjectionMode[] = ['OneTime', 'Continuous', 'Transient'];

/** Reads a `$ProjectionUpdated` event's data back; undefined if it is not one the emulator can run. */
export function parsePersistedState(data: string): PersistedState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const fields = parsed as Record<string, unknown>;
  const mode = MODES.find((m) => m === fields.mode);
  if (typeof fields.query !== 'string' || mode === undefined) return undefined;
  return {
    ...(typeof fields.handlerType === 'string' ? { handlerType: fields.handlerType } : {}),
    query: fields.query,
    mode,
    enabled: fields.enabled === true,
    deleted: fields.deleted === true,
    emitEnabled: fields.emitEnabled === true,
    trackEmittedStreams: fields.trackEmittedStreams === true,
    epoch: typeof fields.epoch === 'number' ? fields.epoch : -1,
    version: typeof fields.version === 'number' ? fields.version : 0,
    runAs: parseRunAs(fields.runAs),
    ...(isJsonObject(fields.sourceDefinition) ? { sourceDefinition: fields.sourceDefinition } : {}),
  };
}

function isJsonObject(value: unknown): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends `state` to the projection's definition stream as a `$ProjectionUpdated` event. */
export function writePersistedState(store: EventStore, name: string, state: PersistedState): void {
  const data = new Uint8Array(Buffer.from(persistedStateJson(state), 'utf8'));
  store.append(definitionStreamOf(name), { kind: 'any' }, [
    {
      eventId: randomUUID(),
      eventType: PROJECTION_UPDATED_EVENT_TYPE,
      isJson: true,
      data,
      metadata: new Uint8Array(0),
    },
  ]);
}

/** The projection's last `$ProjectionUpdated` in its definition stream, read back; undefined if none. */
export function lastPersistedState(store: EventStore, name: string): PersistedState | undefined {
  const view = store.readStream(definitionStreamOf(name));
  if (view.kind !== 'found') return undefined;
  for (let number = view.lastEventNumber; number >= 0; number -= 1) {
    const record = view.events[number];
    if (record?.eventType === PROJECTION_UPDATED_EVENT_TYPE) {
      return parsePersistedState(Buffer.from(record.data).toString('utf8'));
    }
  }
  return undefined;
}
