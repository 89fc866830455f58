/**
 * The base of the client's facade: the connection, the client's own state (name, current node, close) and
 * the calls about the server rather than its data. The facade is split by concern into a chain of classes
 * (core, streams, subscriptions, subscription management) so that each file stays small; users see only
 * {@link EsdbClient}.
 */
import { setMaxListeners } from 'node:events';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { type EsdbClientOptions, settingsOf } from '../connection/client-options.js';
import { NodeConnection } from '../connection/node-connection.js';
import { type ClusterMember, clusterMemberOf } from '../discovery/cluster-member.js';
import type { Endpoint } from '../discovery/discovery-settings.js';
import { getServerFeatures } from '../features/get-server-features.js';
import type { ServerFeatures } from '../features/server-features.js';

// Kept out of the classes' declared members, so the published types do not name the client's internals.
const CONTEXTS = new WeakMap<ClientCore, ClientContext>();

/** The operations' context of a client of the facade chain. */
export function contextOf(client: ClientCore): ClientContext {
  const context = CONTEXTS.get(client);
  if (context === undefined) throw new TypeError('not a client made by new EsdbClient()');
  return context;
}

/** The connection and lifecycle of an {@link EsdbClient}; see there. */
export class ClientCore {
  /** The `connection-name` header sent with every call. */
  readonly connectionName: string;

  readonly #connection: NodeConnection;
  readonly #closer = new AbortController();
  #closing: Promise<void> | undefined;

  /**
   * Checks the options and prepares the connection; the connection itself is made on the first call.
   * @throws TypeError or RangeError when an option is missing, wrong or unknown.
   */
  constructor(options: EsdbClientOptions) {
    const settings = settingsOf(options);
    this.connectionName = settings.connectionName;
    // Every call running listens for the close: many concurrent calls are normal, not a leak.
    setMaxListeners(0, this.#closer.signal);
    this.#connection = new NodeConnection(settings, this.#closer.signal);
    CONTEXTS.set(this, {
      connection: this.#connection,
      subscriptions: new Set(),
      closed: this.#closer.signal,
    });
  }

  /**
   * The node the client talks to now: the single host of a direct connection, or the member discovery picked;
   * undefined before the first call of a discovering client. Calls only the leader serves go to the leader
   * instead when this is another member (see the `nodePreference` connection option).
   */
  get currentNode(): Endpoint | undefined {
    return this.#connection.currentNode;
  }

  /**
   * The cluster's members as the current node's gossip shows them (docs/protocol.md §3.15); a single node shows
   * itself as the Leader.
   * @throws DiscoveryError when no node can be found.
   */
  async readGossip(options?: CallControl): Promise<ClusterMember[]> {
    const { control } = methodOptions(options, [], 'readGossip', false);
    const info = await withFailover(
      contextOf(this),
      control,
      (node, attempt) => node.gossip.read({}, attempt),
      { idempotent: true },
    );
    return info.members.map(clusterMemberOf);
  }

  /**
   * The version of the server the client talks to, and the gRPC methods it serves with their features
   * (docs/protocol.md §3.16). The answer is kept: the server is asked again only after the client moved to
   * another node. A server older than 21.10, which cannot answer, gives no version and no methods.
   */
  getServerFeatures(options?: CallControl): Promise<ServerFeatures> {
    return getServerFeatures(contextOf(this), options);
  }

  /**
   * Closes the client. Open subscriptions and persistent subscription consumers are closed first, cleanly
   * (consumers send their waiting acknowledgements); other calls still running are cancelled (they fail with
   * CancelledError); then the channel is closed. Later calls fail with CancelledError. Closing twice is
   * harmless.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const subscriptions = [...contextOf(this).subscriptions];
    // Without subscriptions to wind down, calls are cancelled at once, before close() returns.
    if (subscriptions.length > 0) {
      await Promise.all(subscriptions.map((subscription) => subscription.close()));
    }
    this.#closer.abort();
    this.#connection.close();
  }
}
