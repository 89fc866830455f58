import { isAbortError } from 'abort-controller-x';
import type { CallContext, ServerMiddleware, ServerMiddlewareCall } from 'nice-grpc';
import { ServerError } from 'nice-grpc';
import { authenticate, REJECTED } from '../auth/authenticate.js';
import { INSECURE_USER, type User } from '../auth/user.js';
import { RpcError, rpcErrors } from './rpc-error.js';

/** What every handler learns about its call beyond nice-grpc's context. */
export interface EmulatorCallContext {
  readonly user: User;
}

/**
 * Turns a handler's failure into what the real server sends (§3.1): an {@link RpcError} puts its keys in the
 * trailers; any other exception becomes UNKNOWN `Exception was thrown by handler.`, and the server keeps
 * serving. Cancellation by the client passes through untouched.
 */
export const translateErrors: ServerMiddleware = async function* translateErrors<Request, Response>(
  call: ServerMiddlewareCall<Request, Response>,
  context: CallContext,
) {
  try {
    return yield* call.next(call.request, context);
  } catch (error: unknown) {
    if (error instanceof RpcError) {
      error.applyTo(context.trailer);
      throw error;
    }
    if (error instanceof ServerError || isAbortError(error)) throw error;
    throw rpcErrors.exceptionThrownByHandler();
  }
};

/**
 * Authenticates every call before its handler runs (§4). Insecure nodes treat every call as a privileged
 * user and ignore the header; secure nodes reject wrong credentials with UNAUTHENTICATED and run calls without
 * usable credentials as the anonymous user.
 */
export function authenticateCalls(secure: boolean): ServerMiddleware<EmulatorCallContext> {
  return async function* authenticateCall<Request, Response>(
    call: ServerMiddlewareCall<Request, Response, EmulatorCallContext>,
    context: CallContext,
  ) {
    const authorization = context.metadata.get('authorization');
    const user = secure ? authenticate(authorization) : INSECURE_USER;
    if (user === REJECTED) throw rpcErrors.unauthenticated();
    return yield* call.next(call.request, { ...context, user });
  };
}
