/**
 * The channels a client stopped using after a call on them failed with UNAVAILABLE, or after it moved to
 * another node. A channel whose connection is gone is closed at once. One whose connection still works (the
 * server itself answered UNAVAILABLE, or the node is a follower the client left) may carry calls still running,
 * such as subscriptions, so it is closed only once that connection ends or idles (grpc-js then leaves READY),
 * or with the client.
 */
import type { Channel } from 'nice-grpc';

/** grpc-js's `ConnectivityState` values used here (nice-grpc does not re-export the enum). */
const READY = 2;
const SHUTDOWN = 4;

function stateOf(channel: Channel): number {
  return channel.getConnectivityState(false);
}

/** Retired channels still open, closed with the client. */
export class RetiredChannels {
  readonly #open = new Set<Channel>();

  /** Stops using `channel`: closes it now if it has no working connection, else once that connection ends. */
  retire(channel: Channel): void {
    const state = stateOf(channel);
    if (state !== READY) {
      if (state !== SHUTDOWN) channel.close();
      return;
    }
    this.#open.add(channel);
    channel.watchConnectivityState(channel.getConnectivityState(false), Infinity, () => {
      if (!this.#open.delete(channel)) return;
      if (stateOf(channel) !== SHUTDOWN) channel.close();
    });
  }

  /** Closes every retired channel still open. */
  close(): void {
    const channels = [...this.#open];
    this.#open.clear();
    for (const channel of channels) channel.close();
  }
}
