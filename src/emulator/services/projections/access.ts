import type { User } from '../../auth/user.js';
import { rpcErrors } from '../../server/rpc-error.js';
import { checkOperatorAccess } from '../persistent-subscriptions/access.js';

/**
 * Delete and RestartSubsystem need an operator, a member of `$admins` or `$ops` (§3.17.1,
 * LegacyPolicySelectorFactory.cs `OperationsOrAdmins` for `Projections.Delete` and `Projections.Restart`).
 */
export const checkProjectionsOperatorAccess: (user: User) => void = checkOperatorAccess;

/** Every other Projections method needs an authenticated user (§3.17.1, `RequireAuthenticated`). */
export function checkAuthenticatedAccess(user: User): void {
  if (!user.authenticated) throw rpcErrors.accessDenied();
}

/** Who the manager runs the call as: undefined for the anonymous user (ProjectionManagementMessage.RunAs). */
export function runAsOf(user: User): string | undefined {
  return user.authenticated ? user.name : undefined;
}
