import { Status } from 'nice-grpc';
import type { ReadReq_Options, ReadReq_Options_FilterOptions } from '../../../generated/streams.js';
import { RpcError, rpcErrors } from '../../server/rpc-error.js';

/*
 * The texts Streams.Read answers a malformed request with. .NET prints a type with `typeof(T)`, which names a
 * nested type with `+` (protobuf's C# code nests message types in `Types` classes; oneof-case enums sit directly
 * in their message), an enum value by its member name (or its number when it has none), and a protobuf message
 * by its diagnostic JSON. Sources: EventStore v24.10.0 Services/Transport/Grpc/Streams.Read.cs, RpcExceptions.cs.
 */

const OPTIONS = 'EventStore.Client.Streams.ReadReq+Types+Options';

/**
 * 24.10's `RpcExceptions.RequiredArgument`: a leading space and backquotes. (KurrentDB 25.1 changed it to
 * `'uuidOption' is a required argument of type …`, the text §3.1.2 quotes from the later source.)
 */
export function missingUuidOption(): RpcError {
  return rpcErrors.invalidArgument(
    ` \`uuidOption\` is a required argument of type ${OPTIONS}+Types+UUIDOption`,
  );
}

/** `RpcExceptions.InvalidArgument(streamOptionsCase)` for an unset `stream_option` (§3.7 step 2). */
export function missingStreamOption(): RpcError {
  return rpcErrors.invalidArgument(`'None' is not a valid ${OPTIONS}+StreamOptionOneofCase`);
}

/** `RpcExceptions.InvalidArgument(request.Options.Filter.WindowCase)` for an unset `window`. */
export function missingFilterWindow(): RpcError {
  return rpcErrors.invalidArgument(`'None' is not a valid ${OPTIONS}+Types+FilterOptions+WindowOneofCase`);
}

/**
 * `RpcExceptions.InvalidArgument(filter)` for an unset `filter` oneof: the argument is the `FilterOptions`
 * message itself, printed by its `ToString()`, i.e. protobuf's diagnostic JSON: fields in number order, JSON
 * names, oneof members whenever set, other fields only when not default, `{ ` … ` }` and `, ` separators.
 */
export function missingFilterExpression(filter: ReadReq_Options_FilterOptions): RpcError {
  const fields: string[] = [];
  if (filter.window?.$case === 'max') fields.push(`"max": ${filter.window.value}`);
  if (filter.window?.$case === 'count') fields.push('"count": { }');
  if (filter.checkpointIntervalMultiplier !== 0) {
    fields.push(`"checkpointIntervalMultiplier": ${filter.checkpointIntervalMultiplier}`);
  }
  const json = fields.length === 0 ? '{ }' : `{ ${fields.join(', ')} }`;
  return rpcErrors.invalidArgument(`'${json}' is not a valid ${OPTIONS}+Types+FilterOptions`);
}

/**
 * `RpcExceptions.InvalidCombination` (§3.7 step 4): the tuple (stream option, count option, direction, filter
 * option) as .NET prints a `ValueTuple` of the four enum values.
 */
export function invalidCombination(options: ReadReq_Options): RpcError {
  const streamCase = options.streamOption?.$case === 'all' ? 'All' : 'Stream';
  const countCase =
    options.countOption?.$case === 'count'
      ? 'Count'
      : options.countOption?.$case === 'subscription'
        ? 'Subscription'
        : 'None';
  const direction = directionName(options.readDirection);
  const filterCase =
    options.filterOption?.$case === 'filter'
      ? 'Filter'
      : options.filterOption?.$case === 'noFilter'
        ? 'NoFilter'
        : 'None';
  return rpcErrors.invalidArgument(
    `The combination of (${streamCase}, ${countCase}, ${direction}, ${filterCase}) is invalid.`,
  );
}

function directionName(direction: number): string {
  if (direction === 0) return 'Forwards';
  if (direction === 1) return 'Backwards';
  return String(direction);
}

/**
 * `RpcExceptions.InvalidPositionException`: a catch-up subscription to `$all` whose first read starts inside a
 * record (Enumerator.AllSubscription*.cs turn the storage's `InvalidPosition` into it).
 */
export function invalidPosition(): RpcError {
  return rpcErrors.invalidArgument('Trying to read from an invalid position.');
}

/**
 * `RpcExceptions.UnknownError(resultType, result)`: what a plain read reports for a storage result it has no
 * case for, e.g. `Unexpected ReadStreamResult: Error` when storage rejected the read's arguments.
 */
export function unexpectedResult(
  resultType: 'ReadStreamResult' | 'ReadAllResult' | 'FilteredReadAllResult',
  result: 'Error' | 'InvalidPosition',
): RpcError {
  return new RpcError(Status.UNKNOWN, `Unexpected ${resultType}: ${result}`);
}
