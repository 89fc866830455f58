import type { StreamAcl } from '../store/stream-metadata.js';
import { ADMINS_ROLE, type User } from './user.js';

/** The stream operations the ACLs govern (§4, §3.13 `$acl`). */
export type StreamOperation = 'read' | 'write' | 'delete' | 'metaRead' | 'metaWrite';

/** The role every authenticated user has for stream access under the default policy (§4). */
const EVERYONE_ROLE = '$all';

function isSystemStream(streamName: string): boolean {
  return streamName.startsWith('$');
}

/**
 * The default ACL of a stream with no `$acl` of its own (`SystemSettings.Default`, legacy policy, §4): user
 * streams are open to every user allowed stream access, `$`-prefixed streams (reading `$all` included) to
 * `$admins` only.
 */
function defaultRoles(streamName: string): readonly string[] {
  return isSystemStream(streamName) ? [ADMINS_ROLE] : [EVERYONE_ROLE];
}

function aclRoles(acl: StreamAcl | undefined, operation: StreamOperation): readonly string[] | undefined {
  return acl?.[operation];
}

/**
 * Decides a stream operation for `user` (§4): admins bypass ACLs; writing or deleting `$all` is never allowed;
 * anonymous users have no stream access (`AllowAnonymousStreamAccess` is false by default since 23.6);
 * otherwise the stream's own `$acl` entry for the operation, or the default, must name one of the user's roles
 * (`$all` names everyone). Metastream operations use the original stream's `$mr`/`$mw`.
 */
export function mayAccessStream(
  user: User,
  operation: StreamOperation,
  streamName: string,
  acl: StreamAcl | undefined,
): boolean {
  if (streamName === '$all' && operation !== 'read') return false;
  if (user.roles.includes(ADMINS_ROLE)) return true;
  if (!user.authenticated) return false;
  const allowed = aclRoles(acl, operation) ?? defaultRoles(streamName);
  return allowed.some((role) => role === EVERYONE_ROLE || user.roles.includes(role));
}
