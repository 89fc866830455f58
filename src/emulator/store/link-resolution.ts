import type { EventStore } from './event-store.js';
import type { StoredEvent } from './stored-event.js';

/** Event type of a link event (§3.13). */
export const LINK_EVENT_TYPE = '$>';

/**
 * A record as a read delivers it (ResolvedEvent.cs): `event` alone for an ordinary record or an unresolved link;
 * `event` the target and `link` the `$>` record for a resolved link; `link` alone when resolution failed.
 */
export interface ResolvedRecord {
  readonly event: StoredEvent | undefined;
  readonly link: StoredEvent | undefined;
}

/**
 * Where the resolution happens. Storage reads (StorageReaderWorker.cs) leave a link whose event number does not
 * parse as it is; the live subscription service (SubscriptionsService.cs) fails it instead.
 */
export type ResolutionSite = 'read' | 'live';

/** .NET `long.TryParse` with its default `NumberStyles.Integer`: surrounding white space and a sign allowed. */
const DOTNET_INTEGER = /^[\t\n\v\f\r ]*([+-]?\d+)[\t\n\v\f\r ]*$/;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

function parseDotnetLong(text: string): bigint | undefined {
  const digits = DOTNET_INTEGER.exec(text)?.[1];
  if (digits === undefined) return undefined;
  const value = BigInt(digits);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/**
 * The target of a link whose data is `<eventNumber>@<stream>`, read the way the server's `ReadEvent` does
 * (§3.7, §3.13; IndexReader.cs): -1 means the stream's last event; a tombstoned, missing or soft-deleted stream,
 * or an event hidden by `$tb`, `$maxCount` or `$maxAge`, resolves to nothing.
 */
function targetOf(store: EventStore, streamName: string, eventNumber: bigint): StoredEvent | undefined {
  const view = store.readStream(streamName);
  if (view.kind !== 'found') return undefined;
  const number = eventNumber === -1n ? BigInt(view.lastEventNumber) : eventNumber;
  if (number < BigInt(view.firstVisible) || number > BigInt(view.lastEventNumber)) return undefined;
  return view.events[Number(number)];
}

/** Resolves `record` if it is a link and links are to be resolved (§3.7 "How a `ReadEvent` is filled"). */
export function resolveRecord(
  store: EventStore,
  record: StoredEvent,
  resolveLinks: boolean,
  site: ResolutionSite,
): ResolvedRecord {
  if (!resolveLinks || record.eventType !== LINK_EVENT_TYPE) return { event: record, link: undefined };
  const text = Buffer.from(record.data).toString('utf8');
  const at = text.indexOf('@');
  const numberText = at < 0 ? text : text.slice(0, at);
  const eventNumber = parseDotnetLong(numberText);
  // Only storage reads keep an unparsable link as an ordinary event; the live path throws and fails it.
  if (eventNumber === undefined) {
    return site === 'read' ? { event: record, link: undefined } : { event: undefined, link: record };
  }
  // No '@': the server indexes past the split parts, throws, and reports a failed link.
  if (at < 0) return { event: undefined, link: record };
  const target = targetOf(store, text.slice(at + 1), eventNumber);
  return { event: target, link: record };
}
