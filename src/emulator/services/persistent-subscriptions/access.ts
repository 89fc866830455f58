import { ADMINS_ROLE, OPS_ROLE, type User } from '../../auth/user.js';
import { rpcErrors } from '../../server/rpc-error.js';

/**
 * Create, Update, Delete, ReplayParked and RestartSubsystem need an operator (LegacyPolicySelectorFactory.cs
 * `OperationsOrAdmins`): a member of `$admins` or `$ops`, or the `admin` or `ops` user.
 */
export function checkOperatorAccess(user: User): void {
  const allowed =
    user.roles.includes(ADMINS_ROLE) ||
    user.roles.includes(OPS_ROLE) ||
    user.name === 'admin' ||
    user.name === 'ops';
  if (!allowed) throw rpcErrors.accessDenied();
}

/** GetInfo and List need an authenticated user (`Subscriptions.Statistics` requires authentication). */
export function checkStatisticsAccess(user: User): void {
  if (!user.authenticated) throw rpcErrors.accessDenied();
}
