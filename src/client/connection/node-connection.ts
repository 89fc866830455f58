/**
 * The client's connection to one node, which can move: to the seed's single node (direct), to the member
 * discovery picked in a cluster (docs/protocol.md §3.15), to the leader a `not-leader` answer names (§3.1.1),
 * or to a newly discovered member after the node went away (UNAVAILABLE).
 */
import type { Channel, Metadata } from 'nice-grpc';
import type { CallPipelineSettings } from '../calls/call-pipeline.js';
import { type ClusterMember, clusterMemberOf } from '../discovery/cluster-member.js';
import { discoverNode } from '../discovery/discover-node.js';
import { type Endpoint, sameEndpoint } from '../discovery/discovery-settings.js';
import { NotLeaderError, ServiceUnavailableError } from '../errors/esdb-errors.js';
import { callMetadataOf, openChannel } from './channel.js';
import type { ConnectionSettings } from './connection-settings.js';
import { type NodeClients, nodeClientsOn } from './node-clients.js';
import { diagnoseTlsMismatch } from './tls-mismatch.js';

/** The node a client talks to, found (and found again) as its settings say. */
export class NodeConnection {
  readonly #settings: ConnectionSettings;
  readonly #metadataOf: (methodPath: string) => Metadata;
  readonly #closed: AbortSignal;
  #current: Promise<NodeClients> | undefined;
  #node: NodeClients | undefined;
  /** Channels replaced by a reconnection, closed with the client (calls may still run on them). */
  readonly #retired: Channel[] = [];

  /** @param closed aborted when the client is closed: calls and discovery then stop. */
  constructor(settings: ConnectionSettings, closed: AbortSignal) {
    this.#settings = settings;
    this.#metadataOf = callMetadataOf(settings);
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
      { readGossip: (seed, timeoutMs) => this.#gossipOf(seed, timeoutMs), closed: this.#closed },
      failed,
    );
    return this.#use({ host: member.host, port: member.port });
  }

  /** A seed's gossip, on a channel of its own that is closed afterwards. */
  async #gossipOf(seed: Endpoint, timeoutMs: number): Promise<ClusterMember[]> {
    const node = this.#clientsOn(seed, openChannel({ ...this.#settings, ...seed }));
    try {
      const info = await node.gossip.read({}, { timeout: timeoutMs });
      return info.members.map(clusterMemberOf);
    } finally {
      node.channel.close();
    }
  }

  /** Makes `endpoint` the current node, reusing its channel when it already is. */
  #use(endpoint: Endpoint): NodeClients {
    if (this.#node !== undefined && sameEndpoint(this.#node.endpoint, endpoint)) {
      this.#current = Promise.resolve(this.#node);
      return this.#node;
    }
    if (this.#node !== undefined) this.#retired.push(this.#node.channel);
    const node = this.#clientsOn(endpoint, openChannel({ ...this.#settings, ...endpoint }));
    this.#node = node;
    this.#current = Promise.resolve(node);
    return node;
  }

  #clientsOn(endpoint: Endpoint, channel: Channel): NodeClients {
    const settings: CallPipelineSettings = {
      defaultDeadline: this.#settings.defaultDeadline,
      closed: this.#closed,
      metadataOf: this.#metadataOf,
      diagnose: (error) => diagnoseTlsMismatch(error, endpoint, this.#settings.tls),
    };
    return nodeClientsOn(endpoint, channel, settings);
  }
}
