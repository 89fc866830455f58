/**
 * `Gossip.Read` (protocol facts §3.15): the cluster's members as one node sees them.
 */
import { type Channel, createClient, type Metadata } from 'nice-grpc';
import { GossipDefinition } from '../../generated/gossip.js';
import { type ClusterMember, clusterMemberOf } from './cluster-member.js';

/**
 * Reads gossip over `channel`, with the client's call metadata (gossip may need credentials, §3.15).
 * @param signal aborts the call (a deadline, the client's close).
 */
export async function readGossipOn(
  channel: Channel,
  metadata: Metadata,
  signal: AbortSignal,
): Promise<ClusterMember[]> {
  const gossip = createClient(GossipDefinition, channel);
  const info = await gossip.read({}, { metadata, signal });
  return info.members.map(clusterMemberOf);
}
