/**
 * Records what a subscription of the official client delivers (events, `caughtUp`, checkpoints, errors) so a
 * test can wait for a condition and then assert on the whole sequence.
 */
import type { Position } from '@kurrent/kurrentdb-client';

import { waitFor } from './harness.js';

/** What the client's subscriptions look like to the recorder: a readable of events plus its extra events. */
interface RecordableSubscription<E> {
  on(event: 'data', listener: (event: E) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'confirmation' | 'caughtUp', listener: () => void): unknown;
  readonly readableLength: number;
  unsubscribe(): Promise<void>;
}

/** The client's signals in the order they were raised. */
export type Signal =
  | { readonly kind: 'confirmation' }
  /** `eventsBefore`: how many events the client had received from the server when `caughtUp` was raised. */
  | { readonly kind: 'caughtUp'; readonly eventsBefore: number }
  | { readonly kind: 'checkpoint'; readonly position: Position; readonly eventsBefore: number };

/** Collects everything one subscription delivers. */
export class SubscriptionRecorder<E> {
  readonly events: E[] = [];
  readonly signals: Signal[] = [];
  error: Error | undefined;
  private subscription: RecordableSubscription<E> | undefined;

  /**
   * The filter's `checkpointReached` callback: pass it in the subscription's filter before subscribing, since the
   * client only reports checkpoints through it.
   */
  readonly checkpointReached = (_subscription: unknown, position: Position): void => {
    this.signals.push({ kind: 'checkpoint', position, eventsBefore: this.eventsReceived() });
  };

  /** Starts recording `subscription`; returns it for convenience. */
  attach<S extends RecordableSubscription<E>>(subscription: S): S {
    this.subscription = subscription;
    subscription.on('data', (event) => this.events.push(event));
    subscription.on('error', (error) => {
      this.error = error;
    });
    subscription.on('confirmation', () => this.signals.push({ kind: 'confirmation' }));
    subscription.on('caughtUp', () =>
      this.signals.push({ kind: 'caughtUp', eventsBefore: this.eventsReceived() }),
    );
    return subscription;
  }

  /**
   * Events the client has taken from the server so far: those already emitted plus those still buffered in
   * the readable, so the count does not depend on when Node flushes the buffer.
   */
  private eventsReceived(): number {
    return this.events.length + (this.subscription?.readableLength ?? 0);
  }

  /** Waits until at least `count` events have arrived. */
  async waitForEvents(count: number, timeoutMs?: number): Promise<E[]> {
    await waitFor(
      () => this.events.length >= count || this.error !== undefined,
      `${count} events (got ${this.events.length})`,
      timeoutMs,
    );
    if (this.events.length < count && this.error !== undefined) throw this.error;
    return this.events;
  }

  /** Waits until an event satisfying `predicate` has arrived. */
  async waitForEvent(predicate: (event: E) => boolean, what: string, timeoutMs?: number): Promise<E> {
    await waitFor(() => this.events.some(predicate) || this.error !== undefined, what, timeoutMs);
    const found = this.events.find(predicate);
    if (found === undefined) throw this.error ?? new Error(`no ${what}`);
    return found;
  }

  /** Waits for a signal of `kind`. */
  async waitForSignal(kind: Signal['kind'], timeoutMs?: number): Promise<Signal> {
    await waitFor(
      () => this.signals.some((signal) => signal.kind === kind) || this.error !== undefined,
      `a ${kind} signal`,
      timeoutMs,
    );
    const found = this.signals.find((signal) => signal.kind === kind);
    if (found === undefined) throw this.error ?? new Error(`no ${kind} signal`);
    return found;
  }

  /** Waits for the subscription to fail and returns the error (typed `unknown`, for the test to narrow). */
  async waitForError(timeoutMs?: number): Promise<unknown> {
    await waitFor(() => this.error !== undefined, 'the subscription to fail', timeoutMs);
    if (this.error === undefined) throw new Error('no error');
    return this.error;
  }

  /** Ends the subscription (cancels the call). */
  async stop(): Promise<void> {
    await this.subscription?.unsubscribe();
  }
}
