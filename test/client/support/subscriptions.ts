/**
 * Helpers for the subscription suites: taking events from a long-lived async iterable without hanging a test
 * when they do not come, and event factories.
 */
import { randomUUID } from 'node:crypto';
import { NewEvent } from '../../../src/client/index.js';
import { utf8 } from './target.js';

/** How long a test waits for an event that should come. */
const PATIENCE_MS = 5_000;

/**
 * The next `count` items of `iterable` (one `for await` loop that breaks after them); fails after `timeoutMs`
 * if they do not all arrive. The loop's break leaves a subscription open.
 */
export async function take<T>(
  iterable: AsyncIterable<T>,
  count: number,
  timeoutMs = PATIENCE_MS,
): Promise<T[]> {
  const items: T[] = [];
  if (count === 0) return items;
  const collected = (async () => {
    for await (const item of iterable) {
      items.push(item);
      if (items.length >= count) break;
    }
    return items;
  })();
  return withTimeout(collected, timeoutMs, () => `expected ${count} items, got ${items.length}`);
}

/**
 * Items of `iterable` up to and including the first that satisfies `last`; fails after `timeoutMs`.
 */
export async function takeUntil<T>(
  iterable: AsyncIterable<T>,
  last: (item: T) => boolean,
  timeoutMs = PATIENCE_MS,
): Promise<T[]> {
  const items: T[] = [];
  const collected = (async () => {
    for await (const item of iterable) {
      items.push(item);
      if (last(item)) break;
    }
    return items;
  })();
  return withTimeout(collected, timeoutMs, () => `the awaited item did not come after ${items.length} items`);
}

/** Whether `iterable` yields nothing within `ms` (it is given that long, then the wait is abandoned). */
export async function nothingWithin<T>(iterable: AsyncIterable<T>, ms: number): Promise<T | undefined> {
  const next = iterable[Symbol.asyncIterator]().next();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      resolve(undefined);
    }, ms);
  });
  try {
    const result = await Promise.race([next, timeout]);
    return result === undefined || result.done === true ? undefined : result.value;
  } finally {
    clearTimeout(timer);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms: ${describe()}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A persistent subscription group name no other test uses. */
export function uniqueGroup(): string {
  return `group-${randomUUID()}`;
}

/** An event type no other test uses. */
export function uniqueType(prefix = 'Type'): string {
  return `${prefix}${randomUUID().replace(/-/g, '')}`;
}

/** A new event of `type` whose data is the text `data`. */
export function textEvent(type: string, data: string): NewEvent {
  return new NewEvent({ type, data: utf8(data), metadata: utf8('{}') });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `condition` holds (checked every 10 ms); fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = PATIENCE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for a condition`);
    await sleep(10);
  }
}

/** A `$>` link event pointing at event `position` of `streamName` (docs/protocol.md §3.13). */
export function linkTo(position: number, streamName: string): NewEvent {
  return new NewEvent({ type: '$>', data: utf8(`${position}@${streamName}`) });
}
