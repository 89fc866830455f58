/**
 * A user projection's JavaScript, run in its own `node:vm` context: a fresh global with the projection
 * language (js-prelude.ts) and nothing of Node (no `require`, `process`, timers or host objects), each call
 * limited in time as the server limits its Jint engine (JintProjectionStateHandler.cs `TimeConstraint`;
 * 24.10 defaults: 500 ms to compile, 250 ms per handler call, `--projection-compilation-timeout` and
 * `--projection-execution-timeout`).
 *
 * `node:vm` is not a security boundary: it keeps a test's projection from touching the host by accident, not
 * a hostile script from escaping. The emulator is a test double, which is what it needs.
 */
import { createContext, Script, type Context } from 'node:vm';

import { SANDBOX_PRELUDE } from './js-prelude.js';

/** What a query declares about its sources and output (the server's QuerySourcesDefinition). */
export interface QueryDefinition {
  readonly allStreams: boolean;
  readonly streams: readonly string[];
  readonly categories: readonly string[];
  readonly allEvents: boolean;
  readonly events: readonly string[];
  readonly byStream: boolean;
  readonly byCustomPartitions: boolean;
  readonly producesResults: boolean;
  readonly definesStateTransform: boolean;
  readonly definesFold: boolean;
  readonly handlesDeletedNotifications: boolean;
  readonly includeLinks: boolean;
  readonly reorderEvents: boolean;
  readonly processingLag: number;
  readonly biState: boolean;
  readonly resultStreamName: string | null;
  readonly partitionResultStreamNamePattern: string | null;
}

/** One event a handler asked to write (`emit`, `linkTo`, `linkStreamTo`). */
export interface ScriptEmission {
  readonly stream: string;
  readonly eventType: string;
  readonly isJson: boolean;
  readonly data: string;
  /** Extra metadata properties, each with its value as raw JSON. */
  readonly extra: readonly (readonly [string, string | null])[];
}

/** A handler's outcome: the partition's new state text (null: none) and what it emitted. */
export interface HandlerOutput {
  readonly state: string | null;
  readonly shared: string | null;
  readonly emitted: readonly ScriptEmission[];
}

/** The fields of the `event` object handlers get, as the server builds it (`CreateEnvelope`). */
export interface EnvelopeFields {
  readonly partition: string;
  readonly bodyRaw: string | null;
  readonly metadataRaw: string | null;
  readonly streamId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly linkMetadataRaw: string | null;
  readonly isJson: boolean;
  /** The category of a `fromCategory` projection's `$ce-` stream; null for other sources. */
  readonly category: string | null;
  readonly sequenceNumber: number;
}

const COMPILE_TIMEOUT_MS = 500;
const EXECUTE_TIMEOUT_MS = 250;

/** Runs `__esdb[__op](__a, __b)` in the context: the only way the host calls into it. */
const CALL = new Script('__esdb[__op](__a, __b)');

/** A failure inside the script, with the message the server's fault reason carries. */
export class ScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptError';
  }
}

/** .NET's `TimeSpan` `c` format: `hh:mm:ss.fffffff`. */
function timeSpan(ms: number): string {
  const ticks = Math.round(ms * 10_000);
  const seconds = Math.floor(ticks / 10_000_000);
  const pad = (n: number) => n.toString().padStart(2, '0');
  const clock = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return `${clock}.${(ticks % 10_000_000).toString().padStart(7, '0')}`;
}

/** The message of whatever the script threw (a value of the sandbox's realm, so no `instanceof`). */
function messageOf(thrown: unknown, action: 'compile' | 'execute', allowedMs: number): string {
  if (typeof thrown === 'object' && thrown !== null) {
    if ((thrown as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      // The server's text, unbalanced parenthesis included (TimeConstraint.Check).
      return `Projection script took too long to ${action} (took: ${timeSpan(allowedMs)}, allowed: ${timeSpan(allowedMs)}`;
    }
    const message = (thrown as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return String(thrown);
}

/** One compiled query in its own context. */
export class ProjectionSandbox {
  private readonly context: Context;
  readonly definition: QueryDefinition;

  /** Compiles the query; a script that fails or declares nothing throws {@link ScriptError}. */
  constructor(query: string) {
    this.context = createContext(Object.create(null) as object, {
      codeGeneration: { strings: true, wasm: false },
    });
    try {
      new Script(SANDBOX_PRELUDE).runInContext(this.context);
      new Script(query, { filename: 'projection.js' }).runInContext(this.context, {
        timeout: COMPILE_TIMEOUT_MS,
      });
    } catch (thrown) {
      throw new ScriptError(messageOf(thrown, 'compile', COMPILE_TIMEOUT_MS));
    }
    this.definition = JSON.parse(this.call('compiled') ?? 'null') as QueryDefinition;
  }

  /** Starts a partition's state with `$init` (or `{}`); its state text. */
  init(partition: string): string | null {
    return this.call('init', partition);
  }

  /** Starts the shared state of a bi-state query with `$initShared` (or `{}`). */
  initShared(): void {
    this.call('initShared');
  }

  /** Restores the shared state of a bi-state query from its text. */
  loadShared(state: string): void {
    this.call('loadShared', state);
  }

  /** Restores a partition's state from its text (a checkpoint). */
  load(partition: string, state: string | null): void {
    this.call('load', partition, state);
  }

  /** The partition `partitionBy` names for the event; null when it names none. */
  partitionOf(fields: EnvelopeFields): string | null {
    return this.call('partitionOf', JSON.stringify(fields));
  }

  /** Runs the event's handler (its type's, else `$any`) on the partition's state. */
  handle(partition: string, fields: EnvelopeFields): HandlerOutput {
    return JSON.parse(this.call('handle', partition, JSON.stringify(fields)) ?? 'null') as HandlerOutput;
  }

  /** Runs the `$created` handlers on a partition new to the handler, before its first event's handler. */
  created(partition: string, fields: EnvelopeFields): HandlerOutput {
    return JSON.parse(this.call('created', partition, JSON.stringify(fields)) ?? 'null') as HandlerOutput;
  }

  /** Runs `$deleted` for a deleted stream's partition. */
  deleted(partition: string, soft: boolean): HandlerOutput {
    return JSON.parse(this.call('deleted', partition, soft) ?? 'null') as HandlerOutput;
  }

  /** The partition's result: its state through `transformBy`/`filterBy`, as JSON text; null for none. */
  result(partition: string): string | null {
    return this.call('result', partition);
  }

  private call(op: string, a?: string | null, b?: string | boolean | null): string | null {
    const globals = this.context as Record<string, unknown>;
    globals.__op = op;
    globals.__a = a;
    globals.__b = b;
    try {
      const value: unknown = CALL.runInContext(this.context, { timeout: EXECUTE_TIMEOUT_MS });
      return typeof value === 'string' ? value : null;
    } catch (thrown) {
      throw new ScriptError(messageOf(thrown, 'execute', EXECUTE_TIMEOUT_MS));
    }
  }
}
