/**
 * How the projection methods read the server's errors (docs/protocol.md §3.17.1): NOT_FOUND `Projection '…' not
 * found`, or UNKNOWN `Envelope callback expected <X>, received <Reply> instead`, where the reply is `NotFound`
 * (servers before 24.6, and Create), `Conflict` (a name in use) or another refusal.
 */
import { Status } from 'nice-grpc';
import { GrpcError } from './esdb-errors.js';
import {
  ProjectionExistsError,
  ProjectionNotFoundError,
  ProjectionOperationFailedError,
} from './projection-errors.js';

const UNEXPECTED_REPLY = /^Envelope callback expected \w+, received (\w+) instead$/;

/**
 * The projection error `error` stands for, on the projection named `projectionName`; any other error is
 * returned as it is (the call pipeline has typed it already).
 */
export function errorFromProjectionStatus(error: unknown, projectionName: string): unknown {
  if (!(error instanceof GrpcError)) return error;
  const options = { grpcStatus: error.grpcStatus, cause: error };
  if (error.code === (Status.NOT_FOUND as number))
    return new ProjectionNotFoundError(projectionName, options);
  const reply =
    error.code === (Status.UNKNOWN as number) ? UNEXPECTED_REPLY.exec(error.details)?.[1] : undefined;
  switch (reply) {
    case undefined:
      return error;
    case 'NotFound':
      return new ProjectionNotFoundError(projectionName, options);
    case 'Conflict':
      return new ProjectionExistsError(projectionName, options);
    default:
      return new ProjectionOperationFailedError(projectionName, reply, options);
  }
}
