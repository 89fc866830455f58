/**
 * Waiting for a persistent subscription group's information to show something: the server updates its
 * counters as acknowledgements and parked events reach it, a moment after the client sent them.
 */
import type { EsdbClient, GetSubscriptionInfoOptions, SubscriptionInfo } from '../../../src/client/index.js';
import { sleep } from './subscriptions.js';

/** The group's information once `accept` holds for it; fails after `timeoutMs` with the last one seen. */
export async function infoWhen(
  client: EsdbClient,
  options: GetSubscriptionInfoOptions,
  accept: (info: SubscriptionInfo) => boolean,
  timeoutMs = 5_000,
): Promise<SubscriptionInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await client.getSubscriptionInfo(options);
    if (accept(info)) return info;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms; last info: ${JSON.stringify(info, jsonBigints)}`);
    }
    await sleep(50);
  }
}

function jsonBigints(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}
