/**
 * Fail-over and retries: the one place a call is made again. When a call fails because its node went away
 * (UNAVAILABLE) or is not the leader, the connection moves (NodeConnection.reconnect: another node, or a new
 * channel to the same one) and the call is made once more on the node it moved to, if repeating it is safe.
 * A call that is idempotent (it only reads) is also retried with backoff after a transient failure, within its
 * deadline (see `transient-retry.ts`). Errors arrive here already translated by the call pipeline.
 */
import type { NodeClients } from '../connection/node-clients.js';
import type { CallControl } from './call-control.js';
import type { ClientContext } from './client-context.js';
import { TransientRetry } from './transient-retry.js';

/** How a call may be repeated. */
export interface FailoverOptions {
  /**
   * Whether the call only reads, so that repeating it is harmless however often: it is then retried after
   * any transient failure until its deadline. Otherwise it is made again only once, after a move to another
   * node. Default false.
   */
  readonly idempotent?: boolean;
}

/**
 * Runs a call that has one answer on the current node, again once on the node the client moves to when the
 * first attempt lost its node (safe for appends too: their event ids make a repeated append idempotent, §3.3),
 * and, when `idempotent`, again after transient failures within its deadline.
 * @param control the call's own call control
 * @param operation one attempt on `node`, under `attempt`: the call control to pass to the gRPC call
 */
export async function withFailover<T>(
  context: ClientContext,
  control: CallControl,
  operation: (node: NodeClients, attempt: CallControl) => Promise<T>,
  options: FailoverOptions = {},
): Promise<T> {
  const retry =
    options.idempotent === true ? new TransientRetry(control, context.connection, true) : undefined;
  let node = await context.connection.ready();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(node, retry?.nextControl() ?? control);
    } catch (error) {
      const moved = await context.connection.reconnect(node, error);
      const again = retry === undefined ? moved && attempt === 1 : await retry.again(error, moved);
      if (!again) throw retry === undefined ? error : retry.failure(error);
    }
    node = await context.connection.ready();
  }
}

/**
 * The items of a read, made again on a transient failure or a move to another node, with backoff within its
 * deadline, as long as the consumer has not been given anything; afterwards it is not (the consumer would see
 * items twice), and the failure ends the stream. `select` picks the items to give the consumer from the call's
 * messages (undefined skips one); it runs in the same loop, so that reads pay for one generator per message,
 * not two. An error `select` throws ends the stream as it is: it is not a lost node.
 * @param control the read's own call control
 * @param open one attempt on `node`, under `attempt`: the call control to pass to the gRPC call
 */
export async function* streamWithFailover<Message, Item>(
  context: ClientContext,
  control: CallControl,
  open: (node: NodeClients, attempt: CallControl) => AsyncIterable<Message>,
  select: (message: Message) => Item | undefined,
): AsyncGenerator<Item, void, undefined> {
  const retry = new TransientRetry(control, context.connection, false);
  let node = await context.connection.ready();
  for (;;) {
    let delivered = false;
    try {
      for await (const message of open(node, retry.nextControl())) {
        const item = select(message);
        if (item === undefined) continue;
        delivered = true;
        yield item;
      }
      return;
    } catch (error) {
      if (delivered) throw error;
      const moved = await context.connection.reconnect(node, error);
      if (!(await retry.again(error, moved))) throw retry.failure(error);
    }
    node = await context.connection.ready();
  }
}
