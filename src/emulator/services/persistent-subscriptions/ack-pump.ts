import type { ReadReq } from '../../../generated/persistent.js';
import { ReadReq_Nack_Action } from '../../../generated/persistent.js';
import type { UUID } from '../../../generated/shared.js';
import type { NackAction } from '../../persistent/message-settler.js';
import type { PersistentSubscriptionRegistry } from '../../persistent/registry.js';
import { uuidToText } from '../../wire/uuid.js';

const ACTIONS: Readonly<Record<number, NackAction>> = {
  [ReadReq_Nack_Action.Unknown]: 'unknown',
  [ReadReq_Nack_Action.Park]: 'park',
  [ReadReq_Nack_Action.Retry]: 'retry',
  [ReadReq_Nack_Action.Skip]: 'skip',
  [ReadReq_Nack_Action.Stop]: 'stop',
};

/**
 * Reads the acks and nacks that follow the options of a Read (§3.14 steps 4–5; PersistentSubscriptions.Read.cs
 * `PumpRequestStream`). They go to the group by its key. The server stops reading, silently, at the first
 * message it cannot take (another `options`, an empty message, an unknown nack action, an id that is not a
 * UUID) and when the client closes its side; the subscription itself carries on.
 */
export async function pumpAcks(
  requests: AsyncIterator<ReadReq>,
  registry: PersistentSubscriptionRegistry,
  subscriptionId: string,
  stopped: () => boolean,
): Promise<void> {
  try {
    for (let next = await requests.next(); next.done !== true && !stopped(); next = await requests.next()) {
      const content = next.value.content;
      if (content?.$case === 'ack') {
        const ids = idsOf(content.value.ids);
        if (ids === undefined) return;
        registry.acknowledge(subscriptionId, ids);
      } else if (content?.$case === 'nack') {
        const action = ACTIONS[content.value.action];
        const ids = idsOf(content.value.ids);
        if (action === undefined || ids === undefined) return;
        registry.notAcknowledge(subscriptionId, ids, action, content.value.reason);
      } else {
        return;
      }
    }
  } catch {
    // The call ended or broke: nothing more to read.
  }
}

/** The acknowledged ids as lower-case text; undefined when one is not a UUID (`Uuid.FromDto` throws). */
function idsOf(ids: readonly UUID[]): string[] | undefined {
  const texts: string[] = [];
  for (const id of ids) {
    const text = uuidToText(id);
    if (text === undefined) return undefined;
    texts.push(text);
  }
  return texts;
}
