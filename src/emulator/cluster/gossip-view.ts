import type { MemberInfo } from '../../generated/gossip.js';
import { textToStructuredUuid } from '../wire/uuid.js';
import { type ClusterMember, nowTicks } from './cluster-member.js';

/** Each node refreshes its own gossip entry's time stamp once per gossip round (ClusterVNodeOptions.cs). */
const GOSSIP_INTERVAL_MS = 2000;

/**
 * The members as `Gossip.Read` lists them (§3.15; Gossip.Read.cs): instance id in the structured form, time
 * stamp, state, liveness and the address clients dial, ordered by that address in descending order, as the
 * server's `ClusterInfo` keeps them (ClusterInfo.cs, `OrderByDescending(x => x.HttpEndPoint)`).
 */
export function gossipMembers(members: readonly ClusterMember[]): MemberInfo[] {
  return [...members].sort(byEndpointDescending).map((member) => ({
    instanceId: textToStructuredUuid(member.instanceId),
    timeStamp: member.timeStamp,
    state: member.state,
    isAlive: member.alive,
    httpEndPoint: { address: member.endpoint.host, port: member.endpoint.port },
  }));
}

function byEndpointDescending(a: ClusterMember, b: ClusterMember): number {
  if (a.endpoint.host !== b.endpoint.host) return a.endpoint.host < b.endpoint.host ? 1 : -1;
  return b.endpoint.port - a.endpoint.port;
}

/** Runs the gossip rounds of the alive members until the returned function is called. */
export function startGossipRounds(members: readonly ClusterMember[]): () => void {
  const timer = setInterval(() => {
    const now = nowTicks();
    for (const member of members) if (member.alive) member.timeStamp = now;
  }, GOSSIP_INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
