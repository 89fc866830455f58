/**
 * `getProjectionState`: a projection's state for one partition, through `Projections.State` (docs/protocol.md
 * §3.17.1). The server sends the JSON it keeps as a `google.protobuf.Value`, which decodes to the same JSON
 * value.
 */
import { checkPartition, checkProjectionName } from '../arguments/projection-checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { stateRequest } from '../wire/projection-requests.js';
import { callProjections } from './projection-call.js';

/** The options of {@link EsdbClient.getProjectionState} (and of `getProjectionResult`). */
export interface GetProjectionStateOptions extends CallControl {
  /** The projection's name. */
  readonly name: string;
  /** The partition of a partitioned projection (e.g. a stream name with `foreachStream`). Default `''`. */
  readonly partition?: string | undefined;
}

export const STATE_KEYS = ['name', 'partition'];

/**
 * The partition's state as a JSON value (`{}` when it has none); typed `T` on the caller's word.
 * @throws ProjectionNotFoundError when there is no projection by that name.
 */
export async function getProjectionState<T>(
  context: ClientContext,
  options: GetProjectionStateOptions,
): Promise<T> {
  const where = 'getProjectionState';
  const { given, control } = methodOptions(options, STATE_KEYS, where, true);
  const name = checkProjectionName(given.name, `${where}: name`);
  const request = stateRequest(name, checkPartition(given.partition, `${where}: partition`));
  const response = await callProjections(
    context,
    control,
    name,
    (node, attempt) => node.projections.state(request, attempt),
    {
      idempotent: true,
    },
  );
  return jsonValueOf(response.state) as T;
}

/** A decoded Value; an absent one (which a server does not send) reads as the empty state. */
export function jsonValueOf(value: unknown): unknown {
  return value === undefined ? {} : value;
}
