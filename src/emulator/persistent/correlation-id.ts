/**
 * The `$correlationId` PinnedByCorrelation pins on (PinnedByCorrelationPersistentSubscriptionConsumerStrategy.cs):
 * the server walks the JSON tokens of the event's metadata in document order, takes the first `$correlationId`
 * property whose value is a string, and gives up at the first end of an object. Metadata that is empty or not
 * JSON has no correlation id.
 */
export function correlationIdOf(metadata: Uint8Array): string | undefined {
  if (metadata.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(metadata).toString('utf8'));
  } catch {
    return undefined;
  }
  const found = search(parsed);
  return typeof found === 'string' ? found : undefined;
}

/** A string when found, `STOP` at the first object end, undefined to keep looking. */
const STOP = Symbol('stop');

function search(value: unknown): string | typeof STOP | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = search(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key === '$correlationId' && typeof item === 'string') return item;
    const found = search(item);
    if (found !== undefined) return found;
  }
  return STOP;
}
