import { Status } from 'nice-grpc';
import { RpcError } from './rpc-error.js';

/**
 * An exception the real server's .NET code throws where the emulator follows it, carrying the text of its
 * `Exception.Message`. Where that text reaches the wire (BatchAppend's `BadRequest`, §3.5) it must read the same;
 * anywhere else it is an unhandled exception like any other (UNKNOWN `Exception was thrown by handler.`, §3.1).
 */
export class DotnetException extends Error {
  override readonly name = 'DotnetException';
}

/** The messages of the .NET exceptions the server's gRPC code can throw while reading a request. */
export const dotnetExceptions = {
  /** `new ArgumentNullException(paramName)`. */
  argumentNull: (parameter: string) =>
    new DotnetException(`Value cannot be null. (Parameter '${parameter}')`),
  /** `new ArgumentException(message, paramName)`. */
  argument: (message: string, parameter: string) =>
    new DotnetException(`${message} (Parameter '${parameter}')`),
  /** `new ArgumentOutOfRangeException(paramName)`. */
  argumentOutOfRange: (parameter: string) =>
    new DotnetException(
      `Specified argument was out of the range of valid values. (Parameter '${parameter}')`,
    ),
  /** `new KeyNotFoundException()`, which protobuf's `MapField` indexer throws for a missing key. */
  keyNotFound: () => new DotnetException('The given key was not present in the dictionary.'),
  /** Dereferencing a missing message field. */
  nullReference: () => new DotnetException('Object reference not set to an instance of an object.'),
  /** `new InvalidOperationException(message)`. */
  invalidOperation: (message: string) => new DotnetException(message),
  /** `new FormatException(message)`. */
  format: (message: string) => new DotnetException(message),
} as const;

/** .NET's `Grpc.Core.StatusCode` member names, by code. */
const STATUS_CODE_NAMES: Readonly<Record<Status, string>> = {
  [Status.OK]: 'OK',
  [Status.CANCELLED]: 'Cancelled',
  [Status.UNKNOWN]: 'Unknown',
  [Status.INVALID_ARGUMENT]: 'InvalidArgument',
  [Status.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [Status.NOT_FOUND]: 'NotFound',
  [Status.ALREADY_EXISTS]: 'AlreadyExists',
  [Status.PERMISSION_DENIED]: 'PermissionDenied',
  [Status.RESOURCE_EXHAUSTED]: 'ResourceExhausted',
  [Status.FAILED_PRECONDITION]: 'FailedPrecondition',
  [Status.ABORTED]: 'Aborted',
  [Status.OUT_OF_RANGE]: 'OutOfRange',
  [Status.UNIMPLEMENTED]: 'Unimplemented',
  [Status.INTERNAL]: 'Internal',
  [Status.UNAVAILABLE]: 'Unavailable',
  [Status.DATA_LOSS]: 'DataLoss',
  [Status.UNAUTHENTICATED]: 'Unauthenticated',
};

/**
 * `Exception.Message` of what a handler threw, as the server's own catch blocks see it. An `RpcException` built
 * from a status alone carries the status printed as `Status(StatusCode="…", Detail="…")` (Grpc.Core.Api
 * RpcException.cs and Status.cs), not just its detail text.
 */
export function dotnetMessageOf(error: unknown): string {
  if (error instanceof RpcError)
    return `Status(StatusCode="${STATUS_CODE_NAMES[error.code]}", Detail="${error.details}")`;
  if (error instanceof Error) return error.message;
  return String(error);
}
