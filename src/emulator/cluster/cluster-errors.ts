import { Status } from 'nice-grpc';
import type { Endpoint } from '../endpoint.js';
import { RpcError } from '../server/rpc-error.js';

/** The errors of a node that cannot take a request in its current state (RpcExceptions.cs). */
export const clusterErrors = {
  /** §3.1.1: NOT_FOUND `Leader info available`, with the leader's address in the trailers. */
  notLeader: (leader: Endpoint) =>
    new RpcError(Status.NOT_FOUND, 'Leader info available', {
      exception: 'not-leader',
      'leader-endpoint-host': leader.host,
      'leader-endpoint-port': leader.port.toString(),
    }),
  /** §3.1.2: the node is not ready for the request (`ServerNotReady`). */
  serverNotReady: () => new RpcError(Status.UNAVAILABLE, 'Server Is Not Ready'),
  /**
   * §3.1.2: a forwarded write whose answer never came (`OperationResult.ForwardTimeout`, message
   * `Forwarding timeout`), which Append and Delete turn into `RpcExceptions.Timeout`.
   */
  forwardTimeout: () => new RpcError(Status.ABORTED, 'Operation timed out: Forwarding timeout'),
} as const;
