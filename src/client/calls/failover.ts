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
 * The items of a streaming call, made again once on the node the client moves to when the first attempt lost
 * its node before the consumer was given anything; afterwards it is not (the consumer would see items twice),
 * and the failure ends the stream. `select` picks the items to give the consumer from the call's messages
 * (undefined skips one); it runs in the same loop, so that reads pay for one generator per message, not two.
 * An error `select` throws ends the stream as it is: it is not a lost node.
 */
export async function* streamWithFailover<Message, Item>(
  context: ClientContext,
  open: (node: NodeClients) => AsyncIterable<Message>,
  select: (message: Message) => Item | undefined,
): AsyncGenerator<Item, void, undefined> {
  let node = await context.connection.ready();
  for (let attempt = 1; ; attempt += 1) {
    let delivered = false;
    try {
      for await (const message of open(node)) {
        const item = select(message);
        if (item === undefined) continue;
        delivered = true;
        yield item;
      }
      return;
    } catch (error) {
      if (delivered || attempt > 1 || !(await context.connection.reconnect(node, error))) throw error;
    }
    node = await context.connection.ready();
  }
}
