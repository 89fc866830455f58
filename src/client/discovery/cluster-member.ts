/**
 * One member of a cluster as gossip describes it (docs/protocol.md §3.15, states §2.6), in the client's terms.
 */
import { type MemberInfo, MemberInfo_VNodeState } from '../../generated/gossip.js';
import type { UUID } from '../../generated/shared.js';
import { uuidTextOfHalves } from '../wire/uuid.js';

/** The server's node states (VNodeState.cs), by name. */
export type MemberState = keyof typeof MemberInfo_VNodeState;

/** A cluster member, from `Gossip.Read`. */
export interface ClusterMember {
  /** The node's instance id (changes when the node process restarts). */
  readonly instanceId: string;
  /** Its state: `Leader`, `Follower` and `ReadOnlyReplica` serve clients; the others are transitional. */
  readonly state: MemberState | 'Unrecognised';
  /** Whether the node answering gossip considers it alive. */
  readonly isAlive: boolean;
  /** The address clients dial (`http_end_point`). */
  readonly host: string;
  readonly port: number;
  /** Its last gossip: 100-ns ticks since the Unix epoch. */
  readonly timestamp: bigint;
}

/** The client's view of one gossip `MemberInfo`. */
export function clusterMemberOf(info: MemberInfo): ClusterMember {
  const name = MemberInfo_VNodeState[info.state] as MemberState | undefined;
  return {
    instanceId: instanceIdOf(info.instanceId),
    state: name === undefined || name === 'UNRECOGNIZED' ? 'Unrecognised' : name,
    isAlive: info.isAlive,
    host: info.httpEndPoint?.address ?? '',
    port: info.httpEndPoint?.port ?? 0,
    timestamp: info.timeStamp,
  };
}

function instanceIdOf(uuid: UUID | undefined): string {
  const value = uuid?.value;
  if (value?.$case === 'structured') {
    return uuidTextOfHalves(value.value.mostSignificantBits, value.value.leastSignificantBits);
  }
  return value?.$case === 'string' ? value.value.toLowerCase() : '';
}
