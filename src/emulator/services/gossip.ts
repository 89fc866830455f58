import type { ClusterInfo } from '../../generated/gossip.js';
import { MemberInfo_VNodeState } from '../../generated/gossip.js';
import type { EmulatorNode } from '../node.js';
import { textToStructuredUuid } from '../wire/uuid.js';

/**
 * `Gossip.Read` of a single node (§3.15, server: Gossip.Read.cs): one member, alive, leader, with the address
 * clients dial, its instance id in the structured form and its timestamp in 100-ns ticks since the epoch.
 */
export function createGossipService(node: EmulatorNode) {
  return {
    read(): Promise<ClusterInfo> {
      const { host, port } = node.endpoint;
      return Promise.resolve({
        members: [
          {
            instanceId: textToStructuredUuid(node.instanceId),
            timeStamp: BigInt(Date.now()) * 10_000n,
            state: MemberInfo_VNodeState.Leader,
            isAlive: true,
            httpEndPoint: { address: host, port },
          },
        ],
      });
    },
  };
}
