import type { Metadata } from 'nice-grpc';
import { authenticate, REJECTED } from '../auth/authenticate.js';
import { INSECURE_USER, type User } from '../auth/user.js';
import { rpcErrors } from './rpc-error.js';

/** What every handler learns about its call beyond nice-grpc's context. */
export interface EmulatorCallContext {
  readonly user: User;
}

/**
 * Authenticates a call before its handler runs (§4). Insecure nodes treat every call as a privileged user and
 * ignore the header; secure nodes reject wrong credentials with UNAUTHENTICATED and run calls without usable
 * credentials as the anonymous user.
 */
export function callAuthenticator(secure: boolean): (metadata: Metadata) => EmulatorCallContext {
  return (metadata) => {
    if (!secure) return { user: INSECURE_USER };
    const user = authenticate(metadata.get('authorization'));
    if (user === REJECTED) throw rpcErrors.unauthenticated();
    return { user };
  };
}
