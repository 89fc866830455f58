/**
 * Cluster discovery as the official clients do it (NODE `Client/discovery.js` `discoverEndpoint`, docs/protocol.md
 * §3.15): rounds over the seeds, reading gossip from each in turn under `gossipTimeout`, until one answers with
 * a member the node preference accepts; `discoveryInterval` between rounds; `maxDiscoverAttempts` rounds at most.
 */
import { lookup } from 'node:dns/promises';
import type { ClusterMember } from './cluster-member.js';
import { DiscoveryError } from './discovery-error.js';
import { type DiscoverySettings, type Endpoint, endpointText, sameEndpoint } from './discovery-settings.js';
import { selectMember } from './select-member.js';

/** What discovery needs from the client: a way to read a seed's gossip, and the client's close signal. */
export interface DiscoveryEnvironment {
  /** The members a seed's gossip lists, read within `timeoutMs` (cancelled when the client closes). */
  readonly readGossip: (seed: Endpoint, timeoutMs: number) => Promise<ClusterMember[]>;
  /** Aborted when the client is closed: discovery then stops. */
  readonly closed: AbortSignal;
}

/**
 * Finds the member to connect to.
 * @param failed an endpoint that just failed: it is asked last, as NODE does.
 * @throws DiscoveryError after `maxDiscoverAttempts` fruitless rounds.
 */
export async function discoverNode(
  settings: DiscoverySettings,
  environment: DiscoveryEnvironment,
  failed?: Endpoint,
): Promise<ClusterMember> {
  let lastProblem = 'no seed was asked';
  for (let attempt = 1; attempt <= settings.maxDiscoverAttempts; attempt += 1) {
    if (environment.closed.aborted) break;
    let seeds: readonly Endpoint[] = [];
    try {
      seeds = await seedsOf(settings);
    } catch (error) {
      lastProblem = `DNS lookup failed (${(error as Error).message})`;
    }
    const ordered = [
      ...seeds.filter((seed) => !sameEndpoint(seed, failed)),
      ...seeds.filter((seed) => sameEndpoint(seed, failed)),
    ];
    // A closed client cancels the gossip calls (the call pipeline follows its close).
    for (const seed of ordered) {
      try {
        const members = await environment.readGossip(seed, settings.gossipTimeout * 1000);
        const chosen = selectMember(settings.nodePreference, members);
        if (chosen !== undefined) return chosen;
        lastProblem = `${endpointText(seed)} knows no alive member to connect to with nodePreference=${settings.nodePreference}`;
      } catch (error) {
        lastProblem = `gossip from ${endpointText(seed)} failed (${(error as Error).message})`;
      }
    }
    if (attempt < settings.maxDiscoverAttempts) await pause(settings.discoveryInterval, environment.closed);
  }
  throw new DiscoveryError(settings.maxDiscoverAttempts, `last problem: ${lastProblem}`);
}

/** The seeds of one round: as given, or the addresses the DNS name resolves to (`esdb+discover://`). */
async function seedsOf(settings: DiscoverySettings): Promise<readonly Endpoint[]> {
  if (!settings.dnsDiscover) return settings.seeds;
  const seed = settings.seeds[0];
  if (seed === undefined) return [];
  const addresses = await lookup(seed.host, { all: true });
  return addresses.map((address) => ({ host: address.address, port: seed.port }));
}

function pause(ms: number, closed: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      closed.removeEventListener('abort', done);
      resolve();
    }
    closed.addEventListener('abort', done);
  });
}
