import { ServerError, Status } from 'nice-grpc';
import type { TruncateParkedResp } from '../../../generated/persistent.js';

/**
 * `PersistentSubscriptions.TruncateParked` exists only after 26.1 (§1.2). A 24.10 server does not know the
 * method, and ASP.NET Core gRPC answers an unknown method of a known service with UNIMPLEMENTED
 * `Method is unimplemented.`.
 */
export function truncateParked(): Promise<TruncateParkedResp> {
  return Promise.reject(new ServerError(Status.UNIMPLEMENTED, 'Method is unimplemented.'));
}
