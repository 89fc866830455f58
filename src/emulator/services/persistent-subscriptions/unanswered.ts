import { forever } from 'abort-controller-x';

/**
 * How a 24.10 server treats a management call (Create, Update, Delete, GetInfo, List, ReplayParked) whose stream
 * identifier holds an empty name: it never answers. The empty name reaches the handler as null
 * (Transport/Grpc/StreamIdentifier.cs); the subsystem then either throws on the null key or replies with an error
 * (`Bad stream name.`, does not exist), and the handler's callback builds that error with a null `stream-name`
 * trailer, which Grpc.Core's `Metadata` refuses with ArgumentNullException (RpcExceptions.cs). Either exception
 * is logged and dropped on the subsystem's queue (QueuedHandlerThreadPool.cs), so the call's result is never set:
 * it ends only when the client cancels or its deadline passes.
 */
export function unanswered(signal: AbortSignal): Promise<never> {
  return forever(signal);
}
