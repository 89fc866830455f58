/**
 * The client's connection to one node, which can move: to the seed's single node (direct), to the member
 * discovery picked in a cluster (docs/protocol.md §3.15), to the leader a `not-leader` answer names (§3.1.1),
 * or to a newly discovered member after the node went away (UNAVAILABLE).
 *
 * A channel that failed a call with UNAVAILABLE is not used again: grpc-js would wait out its reconnect
 * backoff (1 s, growing 1.6 times per failed attempt up to 2 min) before dialling again, and fail every call
 * meanwhile, so the first calls after a server came back would fail too (§4.2). The next call opens a new
 * channel, which dials at once; in a cluster, it goes to the member a rediscovery picks (§3.15), as in NODE.
 *
 * Calls that only the leader serves (writes; projections and persistent-subscription groups and consumers,
 * §3.14.1, §3.17.1) take {@link NodeConnection.leader}: a second connection that discovers the leader, so that
 * a client preferring followers keeps reading from them.
 */
import type { Channel, Metadata } from 'nice-grpc';
import type { CallPipelineSettings } from '../calls/call-pipeline.js';
import { type ClusterMember, clusterMemberOf } from '../discovery/cluster-member.js';
import { discoverNode } from '../discovery/discover-node.js';
import { type Endpoint, sameEndpoint } from '../discovery/discovery-settings.js';
import { DeadlineExceededError, NotLeaderError, ServiceUnavailableError } from '../errors/esdb-errors.js';
import { callMetadataOf, openChannel } from './channel.js';
import type { ConnectionSettings } from './connection-settings.js';
import { type NodeClients, nodeClientsOn } from './node-clients.js';
import { RetiredChannels } from './retired-channels.js';
import { diagnoseTlsMismatch } from './tls-mismatch.js';

/** The node a client talks to, found (and found again) as its settings say. */
export class NodeConnection {
  readonly #settings: ConnectionSettings;
  readonly #metadataOf: (methodPath: string) => Metadata;
  readonly #closed: AbortSignal;
  #current: Promise<NodeClients> | undefined;
  #node: NodeClients | undefined;
  /** The current node's clients after a call on them failed with UNAVAILABLE: the next call replaces them. */
  #lost: NodeClients | undefined;
  /** Channels replaced by a reconnection, closed when their connection ends or with the client. */
  readonly #retired = new RetiredChannels();
  /** The connection to the leader, when this one prefers other members; made on first use. */
  #leader: NodeConnection | undefined;

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

  /** The client's deadline of calls that give no `timeout`, in milliseconds. */
  get defaultDeadline(): number {
    return this.#settings.defaultDeadline;
  }

  /** Aborted when the client is closed. */
  get closed(): AbortSignal {
    return this.#closed;
  }

  /**
   * The connection for calls that only the leader serves. It is this one when this one goes to the leader
   * anyway: a single node dialled directly, or `nodePreference=leader`. Otherwise it is a second connection,
   * made on first use, which discovers with preference `leader` and moves like this one (after UNAVAILABLE it
   * rediscovers, after `not-leader` it follows the address), and is closed with it.
   */
  leader(): NodeConnection {
    const discovery = this.#settings.discovery;
    if (discovery === undefined || this.#settings.nodePreference === 'leader') return this;
    this.#leader ??= new NodeConnection(
      { ...this.#settings, nodePreference: 'leader', discovery: { ...discovery, nodePreference: 'leader' } },
      this.#closed,
    );
    return this.#leader;
  }

  /**
   * The clients of the current node, discovering it first if needed, and on a new channel if a call on the
   * current one failed with UNAVAILABLE.
   * @throws DiscoveryError when discovery gives up.
   */
  ready(): Promise<NodeClients> {
    this.#current ??= this.#discovering(this.#lost?.endpoint);
    return this.#current;
  }

  /**
   * Moves to another node after a call on `failedOn` failed with `error`, when the error says so: `not-leader`
   * with the leader's address moves there; UNAVAILABLE (or `not-leader` without an address) rediscovers, in
   * a cluster. Another call may already have moved; then nothing more is done. (A channel that failed with
   * UNAVAILABLE has already been retired by then, in a cluster or not, as the call pipeline reported it.)
   * @returns whether the client now talks to another node, so that a safe operation may be retried once.
   * @throws DiscoveryError when rediscovery gives up.
   */
  async reconnect(failedOn: NodeClients, error: unknown): Promise<boolean> {
    if (this.#closed.aborted) return false;
    const notLeader = error instanceof NotLeaderError;
    if (notLeader && error.leader !== undefined) {
      if (this.#node === failedOn) this.#use(error.leader);
      return true;
    }
    if (!this.discovers || !(notLeader || error instanceof ServiceUnavailableError)) return false;
    const current = this.#current === undefined ? undefined : await this.#current.catch(() => undefined);
    if (current === undefined || current === failedOn) {
      this.#current = this.#discovering(failedOn.endpoint);
      await this.#current;
    }
    return true;
  }

  /**
   * Called by the call pipeline with the error of every failed call on the current node's `channel`: after
   * UNAVAILABLE (the node could not be reached, or the connection dropped or failed its keepalive), the next
   * call does not use this channel again, whatever the failed call was (a read, an append, a subscription).
   * An UNAVAILABLE answered in-band (a BatchAppend response) is not about the connection, and is not seen here.
   * After a deadline, a connection to the leader checks that it still is one (see {@link #seeksLeader}).
   */
  #failedOn(channel: Channel, error: unknown): void {
    const node = this.#node;
    if (node?.channel !== channel || this.#lost === node) return;
    if (error instanceof ServiceUnavailableError) this.#lose(node);
    else if (error instanceof DeadlineExceededError && this.#seeksLeader) this.#current = undefined;
  }

  /**
   * Whether this connection discovers the leader. A leader that lost its role goes on serving connections, and
   * its projections subsystem drops every request unanswered (§3.17.1 "In a cluster"), so a call that ran into
   * its deadline makes the next call ask the gossip again: the channel is kept when the leader is the same.
   */
  get #seeksLeader(): boolean {
    return this.discovers && this.#settings.nodePreference === 'leader';
  }

  /** Closes every channel, the leader connection's too. */
  close(): void {
    this.#leader?.close();
    // A lost node's channel is among the retired ones, or already closed.
    if (this.#node !== this.#lost) this.#node?.channel.close();
    this.#retired.close();
  }

  /** Forgets the current node's clients: the next {@link ready} dials afresh (rediscovering, in a cluster). */
  #lose(node: NodeClients): void {
    this.#lost = node;
    this.#current = undefined;
    this.#retired.retire(node.channel);
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

  /** Makes `endpoint` the current node, reusing its channel when it already is and has not failed. */
  #use(endpoint: Endpoint): NodeClients {
    const previous = this.#node;
    if (previous !== undefined && previous !== this.#lost && sameEndpoint(previous.endpoint, endpoint)) {
      this.#current = Promise.resolve(previous);
      return previous;
    }
    // A lost node's channel is already retired.
    if (previous !== undefined && previous !== this.#lost) this.#retired.retire(previous.channel);
    const node = this.#clientsOn(endpoint, openChannel({ ...this.#settings, ...endpoint }));
    this.#node = node;
    this.#lost = undefined;
    this.#current = Promise.resolve(node);
    return node;
  }

  #clientsOn(endpoint: Endpoint, channel: Channel): NodeClients {
    const settings: CallPipelineSettings = {
      defaultDeadline: this.#settings.defaultDeadline,
      closed: this.#closed,
      metadataOf: this.#metadataOf,
      diagnose: (error) => diagnoseTlsMismatch(error, endpoint, this.#settings.tls),
      failed: (error) => {
        this.#failedOn(channel, error);
      },
    };
    return nodeClientsOn(endpoint, channel, settings);
  }
}
