/**
 * The client's connection to one node, which can move: to the seed's single node (direct), to the member
 * discovery picked in a cluster (protocol facts §3.15), to the leader a `not-leader` answer names (§3.1.1),
 * or to a newly discovered member after the node went away (UNAVAILABLE).
 */
import { type Channel, type Client, createClient, type Metadata } from 'nice-grpc';
import { PersistentSubscriptionsDefinition } from '../../generated/persistent.js';
import { StreamsDefinition } from '../../generated/streams.js';
import { discoverNode } from '../discovery/discover-node.js';
import { type Endpoint, sameEndpoint } from '../discovery/discovery-settings.js';
import { NotLeaderError, ServiceUnavailableError } from '../errors/esdb-errors.js';
import { PersistentReadDefinition } from '../wire/persistent-read-definition.js';
import { StreamsReadDefinition } from '../wire/read-definition.js';
import { openChannel } from './channel.js';
import type { ConnectionSettings } from './connection-settings.js';

/** The gRPC clients of the node a call runs on. */
export interface NodeClients {
  /** The node's address. */
  readonly endpoint: Endpoint;
  readonly channel: Channel;
  /** Streams service with the generated codecs (Append, Delete, ...). */
  readonly streams: Client<typeof StreamsDefinition>;
  /** Streams.Read with the client's own response decoder. */
  readonly reads: Client<StreamsReadDefinition>;
  /** PersistentSubscriptions service with the generated codecs (Create, ...). */
  readonly persistent: Client<typeof PersistentSubscriptionsDefinition>;
  /** PersistentSubscriptions.Read with the client's own response decoder. */
  readonly persistentReads: Client<PersistentReadDefinition>;
}

/** The node a client talks to, found (and found again) as its settings say. */
export class NodeConnection {
  readonly #settings: ConnectionSettings;
  readonly #metadata: Metadata;
  readonly #closed: AbortSignal;
  #current: Promise<NodeClients> | undefined;
  #node: NodeClients | undefined;
  /** Channels replaced by a reconnection, closed with the client (calls may still run on them). */
  readonly #retired: Channel[] = [];

  constructor(settings: ConnectionSettings, metadata: Metadata, closed: AbortSignal) {
    this.#settings = settings;
    this.#metadata = metadata;
    this.#closed = closed;
    // A single node is dialled directly, without gossip, as the official clients do (§3.15).
    if (settings.discovery === undefined) this.#use({ host: settings.host, port: settings.port });
  }

  /** The node calls go to now; undefined until discovery has picked one. */
  get currentNode(): Endpoint | undefined {
    return this.#node?.endpoint;
  }

  /** Whether the client discovers its node from gossip (several seeds or `esdb+discover://`). */
  get discovers(): boolean {
    return this.#settings.discovery !== undefined;
  }

  /**
   * The clients of the current node, discovering it first if needed.
   * @throws DiscoveryError when discovery gives up.
   */
  ready(): Promise<NodeClients> {
    this.#current ??= this.#discovering(undefined);
    return this.#current;
  }

  /**
   * Moves to another node after a call on `failedOn` failed with `error`, when the error says so: `not-leader`
   * with the leader's address moves there; UNAVAILABLE (or `not-leader` without an address) rediscovers, in
   * a cluster. Another call may already have moved; then nothing more is done.
   * @returns whether the client now talks to another node, so that a safe operation may be retried once.
   * @throws DiscoveryError when rediscovery gives up.
   */
  async reconnect(failedOn: NodeClients, error: unknown): Promise<boolean> {
    const leader = error instanceof NotLeaderError ? error.leader : undefined;
    const rediscover =
      this.discovers &&
      ((error instanceof NotLeaderError && leader === undefined) || error instanceof ServiceUnavailableError);
    if (leader === undefined && !rediscover) return false;
    if (this.#closed.aborted) return false;
    const current = this.#current === undefined ? undefined : await this.#current.catch(() => undefined);
    if (current !== undefined && current !== failedOn) return true;
    if (leader !== undefined) {
      this.#use(leader);
    } else {
      this.#current = this.#discovering(failedOn.endpoint);
      await this.#current;
    }
    return true;
  }

  /** Closes every channel. */
  close(): void {
    this.#node?.channel.close();
    for (const channel of this.#retired.splice(0)) channel.close();
  }

  /** A discovery that, when it gives up, is forgotten: the next call discovers afresh. */
  #discovering(failed: Endpoint | undefined): Promise<NodeClients> {
    const discovery = this.#discover(failed);
    discovery.catch(() => {
      if (this.#current === discovery) this.#current = undefined;
    });
    return discovery;
  }

  async #discover(failed: Endpoint | undefined): Promise<NodeClients> {
    const discovery = this.#settings.discovery;
    if (discovery === undefined) return this.#use({ host: this.#settings.host, port: this.#settings.port });
    const member = await discoverNode(
      discovery,
      {
        openChannel: (endpoint) => openChannel({ ...this.#settings, ...endpoint }),
        metadata: this.#metadata,
        closed: this.#closed,
      },
      failed,
    );
    return this.#use({ host: member.host, port: member.port });
  }

  /** Makes `endpoint` the current node, reusing its channel when it already is. */
  #use(endpoint: Endpoint): NodeClients {
    if (this.#node !== undefined && sameEndpoint(this.#node.endpoint, endpoint)) {
      this.#current = Promise.resolve(this.#node);
      return this.#node;
    }
    if (this.#node !== undefined) this.#retired.push(this.#node.channel);
    const channel = openChannel({ ...this.#settings, host: endpoint.host, port: endpoint.port });
    const defaults = { '*': { metadata: this.#metadata } };
    const node: NodeClients = {
      endpoint: { host: endpoint.host, port: endpoint.port },
      channel,
      streams: createClient(StreamsDefinition, channel, defaults),
      reads: createClient(StreamsReadDefinition, channel, defaults),
      persistent: createClient(PersistentSubscriptionsDefinition, channel, defaults),
      persistentReads: createClient(PersistentReadDefinition, channel, defaults),
    };
    this.#node = node;
    this.#current = Promise.resolve(node);
    return node;
  }
}
