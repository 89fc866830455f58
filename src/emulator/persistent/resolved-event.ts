import type { EventStore } from '../store/event-store.js';
import { resolveRecord, type ResolutionSite, type ResolvedRecord } from '../store/link-resolution.js';
import type { StoredEvent } from '../store/stored-event.js';

/**
 * What a group hands out: an event, or a `$>` link with the event it points at (server: Data/ResolvedEvent.cs).
 * A link that could not be resolved has no `event`; a plain event has no `link`.
 */
export type ResolvedEvent = ResolvedRecord;

/** The record that was actually in the source: the link when there is one (`ResolvedEvent.OriginalEvent`). */
export function originalOf(resolved: ResolvedEvent): StoredEvent {
  const original = resolved.link ?? resolved.event;
  if (original === undefined) throw new TypeError('a resolved event holds neither an event nor a link');
  return original;
}

/**
 * Resolves a `$>` record when the group asks for it (§3.7, §3.13): pages a group reads resolve like storage
 * reads, committed events like the service's own `ResolveLinkToEvent`, which fails a link it cannot parse.
 */
export function resolveFor(
  store: EventStore,
  record: StoredEvent,
  resolveLinks: boolean,
  site: ResolutionSite,
): ResolvedEvent {
  return resolveRecord(store, record, resolveLinks, site);
}
