/**
 * What a scenario needs of a client: the few operations issues 6 and 11 measure, behind one interface so that every
 * scenario runs the same code against each client. Adapters add no per-event work of their own: a read hands
 * each event's data straight from the client's own iterator to the scenario's sink.
 */
import type { AllPosition } from '../raw-requests.js';

/**
 * Receives the data of each event read, in order; returns `true` to go on or `false` to stop, or a promise of
 * that when the consumer is slow (the memory scenario).
 */
export type EventSink = (data: Uint8Array) => boolean | Promise<boolean>;

/**
 * What an append expects of its stream: anything (`'any'`), that it does not exist yet (`'no-stream'`), or that
 * its last event is at this position.
 */
export type ExpectedPosition = 'any' | 'no-stream' | bigint;

/** A client under benchmark. Each method may throw {@link NotSupportedError}. */
export interface BenchClient {
  /** Appends events of `data` to `stream`, as one atomic append expecting `expected` (default `'any'`). */
  append(stream: string, data: readonly Uint8Array[], expected?: ExpectedPosition): Promise<void>;
  /** Reads up to `limit` events of `stream` forwards from its start. */
  readStream(stream: string, limit: number, sink: EventSink): Promise<void>;
  /**
   * The data of the event at `position` in `stream` (which must exist), or `undefined` when there is none yet.
   * The read runs to its end rather than being cancelled after the event: a server built on Node's HTTP/2 (the
   * emulator) closes a connection on which the client has reset more than about a thousand streams, which
   * scenario 10's thousands of round trips on one connection would do.
   */
  readEvent(stream: string, position: bigint): Promise<Uint8Array | undefined>;
  /** Reads up to `limit` events of `$all` forwards from its start, system events included. */
  readAll(limit: number, sink: EventSink): Promise<void>;
  /**
   * Subscribes to `$all` after `position`, or from its start when `undefined` (system events included), and
   * hands every event to `sink` until it returns `false`; then the subscription is stopped.
   */
  subscribeAll(after: AllPosition | undefined, sink: EventSink): Promise<void>;
  close(): Promise<void>;
}

/** A client that cannot run a scenario (yet): the scenario is reported "n/a" with the reason. */
export class NotSupportedError extends Error {
  override readonly name = 'NotSupportedError';
}
