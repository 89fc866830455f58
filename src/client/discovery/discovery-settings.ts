/**
 * How a client finds its node in a cluster: the seeds to read gossip from and the official clients' discovery
 * options, with NODE's names, units and defaults (NODE `Client/discovery.js` `discoverEndpoint`).
 */
import type { NodePreference } from './node-preference.js';

/** A host and port: a seed, or a member's `http_end_point`. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** The discovery part of the connection settings; absent for a single `esdb://host:port` (direct). */
export interface DiscoverySettings {
  /** The seeds gossip is read from, in the order given. */
  readonly seeds: readonly Endpoint[];
  /** `esdb+discover://`: the one seed is a DNS name whose addresses are the seeds. */
  readonly dnsDiscover: boolean;
  readonly nodePreference: NodePreference;
  /** Rounds over the seeds before giving up. */
  readonly maxDiscoverAttempts: number;
  /** Milliseconds between two rounds. */
  readonly discoveryInterval: number;
  /** Seconds a gossip read may take (NODE and PY count it in seconds). */
  readonly gossipTimeout: number;
}

/** NODE's default number of discovery rounds. */
export const DEFAULT_MAX_DISCOVER_ATTEMPTS = 10;
/** NODE's default pause between rounds, in milliseconds. */
export const DEFAULT_DISCOVERY_INTERVAL_MS = 100;
/** NODE's default gossip deadline, in seconds. */
export const DEFAULT_GOSSIP_TIMEOUT_S = 5;

/** `host:port`, with brackets around an IPv6 address. */
export function endpointText(endpoint: Endpoint): string {
  const host =
    endpoint.host.includes(':') && !endpoint.host.startsWith('[') ? `[${endpoint.host}]` : endpoint.host;
  return `${host}:${endpoint.port}`;
}

/** Whether two endpoints are the same address and port. */
export function sameEndpoint(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  return a !== undefined && b !== undefined && a.host === b.host && a.port === b.port;
}
