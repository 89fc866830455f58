/**
 * Fail-over: the one place a call moves to another node. When a call fails because its node went away
 * (UNAVAILABLE) or is not the leader, the connection moves (NodeConnection.reconnect) and the call is made once
 * more there, if repeating it is safe. Errors arrive here already translated by the call pipeline.
 */
import type { NodeClients } from '../connection/node-clients.js';
import type { ClientContext } from './client-context.js';

/**
 * Runs a call that is safe to repeat (it has one answer, and repeating it changes nothing: appends are safe
 * because their event ids make a repeated append idempotent, §3.3) on the current node, and once more on the
 * node the client moves to when the first attempt lost its node. Each attempt has its own deadline.
 */
export async function withFailover<T>(
  context: ClientContext,
  operation: (node: NodeClients) => Promise<T>,
): Promise<T> {
  const node = await context.connection.ready();
  try {
    return await operation(node);
  } catch (error) {
    if (!(await context.connection.reconnect(node, error))) throw error;
    return operation(await context.connection.ready());
  }
}

/**
 * The messages of a streaming call, made again once on the node the client moves to when the first attempt
 * lost its node before the consumer was given anything; afterwards it is not (the consumer would see messages
 * twice), and the failure ends the stream.
 */
export async function* streamWithFailover<T>(
  context: ClientContext,
  open: (node: NodeClients) => AsyncIterable<T>,
): AsyncGenerator<T, void, undefined> {
  let node = await context.connection.ready();
  for (let attempt = 1; ; attempt += 1) {
    let delivered = false;
    try {
      for await (const message of open(node)) {
        delivered = true;
        yield message;
      }
      return;
    } catch (error) {
      if (delivered || attempt > 1 || !(await context.connection.reconnect(node, error))) throw error;
    }
    node = await context.connection.ready();
  }
}
