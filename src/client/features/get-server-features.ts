/**
 * `getServerFeatures`: the version and methods of the node the client talks to, from
 * `ServerFeatures.GetSupportedMethods` (docs/protocol.md §3.16). The answer of a node does not change while it
 * runs, so it is asked once per node: a client that moves to another node asks that node.
 */
import { Status } from 'nice-grpc';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import type { NodeClients } from '../connection/node-clients.js';
import { GrpcError } from '../errors/esdb-errors.js';
import { ServerFeatures } from './server-features.js';

/**
 * The answers of the nodes asked so far, or being asked, so that concurrent askers share one question; a node's
 * clients are dropped with the client, and so is its entry. A failed question is forgotten.
 */
const ANSWERS = new WeakMap<NodeClients, Promise<ServerFeatures>>();

/** Servers before 21.10 do not have the service (§3.16). */
const OLD_SERVER = new ServerFeatures({ version: null, methods: [] });

/**
 * The features of the current node, asked on the first call and remembered for that node.
 * @throws the call's errors, except UNIMPLEMENTED, which means a server from before the question existed.
 */
export async function getServerFeatures(
  context: ClientContext,
  options: CallControl | undefined,
): Promise<ServerFeatures> {
  const { control } = methodOptions(options, [], 'getServerFeatures', false);
  return withFailover(context, control, (node, attempt) => featuresOf(node, attempt), {
    idempotent: true,
  });
}

/**
 * The features of `node`, asked on the first call and remembered.
 * @param control the call control of the question, when this call asks it (the client's deadline by default)
 */
export function featuresOf(node: NodeClients, control: CallControl = {}): Promise<ServerFeatures> {
  let answer = ANSWERS.get(node);
  if (answer === undefined) {
    const asked = askNode(node, control);
    asked.catch(() => {
      if (ANSWERS.get(node) === asked) ANSWERS.delete(node);
    });
    ANSWERS.set(node, asked);
    answer = asked;
  }
  return answer;
}

async function askNode(node: NodeClients, control: CallControl): Promise<ServerFeatures> {
  try {
    const answer = await node.serverFeatures.getSupportedMethods({}, control);
    return new ServerFeatures({
      version: answer.eventStoreServerVersion === '' ? null : answer.eventStoreServerVersion,
      methods: answer.methods.map((method) => ({
        service: method.serviceName,
        method: method.methodName,
        features: method.features,
      })),
    });
  } catch (error) {
    // The official clients read UNIMPLEMENTED as "an old server", and any other error as a failure (§3.16).
    if (error instanceof GrpcError && error.code === (Status.UNIMPLEMENTED as number)) return OLD_SERVER;
    throw error;
  }
}
