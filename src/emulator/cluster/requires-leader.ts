import type { Metadata } from 'nice-grpc';

/** The request header through which a client asks for the leader (§4). */
const REQUIRES_LEADER_HEADER = 'requires-leader';

/**
 * Whether a Streams call asks for the leader (§4; ServiceBase.cs `GetRequiresLeader`): the header parsed like
 * .NET's `bool.TryParse`, which ignores case and surrounding white space. Missing, empty or unparsable is false.
 */
export function requiresLeader(metadata: Metadata): boolean {
  const value = metadata.get(REQUIRES_LEADER_HEADER);
  return typeof value === 'string' && value.replace(/^[\s\0]+|[\s\0]+$/g, '').toLowerCase() === 'true';
}
