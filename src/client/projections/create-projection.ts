/**
 * `createProjection`: a continuous projection, through `Projections.Create` (docs/protocol.md §2.8, §3.17.1).
 */
import { checkBoolean } from '../arguments/checks.js';
import { checkProjectionName, checkProjectionQuery } from '../arguments/projection-checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { createContinuousRequest } from '../wire/projection-requests.js';
import { callProjections } from './projection-call.js';

/** The options of {@link EsdbClient.createProjection}. */
export interface CreateProjectionOptions extends CallControl {
  /** The projection's name. */
  readonly name: string;
  /** The projection's JavaScript source, e.g. `fromCategory('order').when({ ... })`. */
  readonly query: string;
  /** Whether `emit`, `linkTo` and `copyTo` may write events. Default `false`. */
  readonly emitEnabled?: boolean | undefined;
  /** Whether the streams it emits to are recorded, so deleting it can delete them. Needs `emitEnabled`. */
  readonly trackEmittedStreams?: boolean | undefined;
}

const KEYS = ['name', 'query', 'emitEnabled', 'trackEmittedStreams'];

/**
 * Creates and starts the projection.
 * @throws ProjectionExistsError when a projection by that name exists.
 */
export async function createProjection(
  context: ClientContext,
  options: CreateProjectionOptions,
): Promise<void> {
  const where = 'createProjection';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const name = checkProjectionName(given.name, `${where}: name`);
  const query = checkProjectionQuery(given.query, `${where}: query`);
  const emitEnabled = checkBoolean(given.emitEnabled, `${where}: emitEnabled`) ?? false;
  const trackEmittedStreams =
    checkBoolean(given.trackEmittedStreams, `${where}: trackEmittedStreams`) ?? false;
  // The server throws in its handler for this combination (§3.17.1): refuse it before sending.
  if (trackEmittedStreams && !emitEnabled) {
    throw new TypeError(`${where}: trackEmittedStreams needs emitEnabled: true`);
  }
  const request = createContinuousRequest(name, query, emitEnabled, trackEmittedStreams);
  await callProjections(context, control, name, (node, attempt) => node.projections.create(request, attempt));
}
