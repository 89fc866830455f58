import type { ClusterInfo } from '../../generated/gossip.js';
import type { EmulatorNode } from '../node.js';

/**
 * `Gossip.Read` (§3.15, server: Gossip.Read.cs): the members the node knows, each with its instance id in the
 * structured form, its time stamp in 100-ns ticks since the epoch, its state, whether it is alive, and the
 * address clients dial. A standalone node lists just itself; a cluster member lists the cluster (node-role.ts).
 */
export function createGossipService(node: EmulatorNode) {
  return {
    read(): Promise<ClusterInfo> {
      return Promise.resolve({ members: node.role.gossip() });
    },
  };
}
