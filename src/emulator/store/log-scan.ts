import { type LogEntry, readUnit } from './log-frame.js';

/**
 * Where the whole frames of a log end and what follows them. `tail`: nothing intact follows, which is what a
 * crash in the middle of a write leaves. `middle`: intact frames follow the bad bytes, so something other than
 * a crash damaged the log, and cutting it there would drop writes that were acknowledged.
 */
export type LogDamage =
  | { readonly kind: 'tail'; readonly offset: number; readonly bytes: number }
  | {
      readonly kind: 'middle';
      readonly offset: number;
      /** Bytes from the damage to the end of the file. */
      readonly bytes: number;
      /** Intact frames (appends, or system records) after the damage. */
      readonly appendsAfter: number;
      /** Events in those frames. */
      readonly eventsAfter: number;
    };

export interface LogScan {
  /** The entries of the whole frames before the first bad byte, in log order. */
  readonly entries: LogEntry[];
  /** The length of those frames: where the log is cut if it must be. */
  readonly validLength: number;
  readonly damage?: LogDamage;
}

/** Reads a log's whole frames from its start, and tells whether and how it is damaged after them. */
export function scanLog(buffer: Buffer): LogScan {
  const entries: LogEntry[] = [];
  let offset = 0;
  for (let unit = readUnit(buffer, 0); unit !== undefined; unit = readUnit(buffer, offset)) {
    for (const entry of unit.entries) entries.push(entry);
    offset = unit.end;
  }
  if (offset === buffer.length) return { entries, validLength: offset };
  const bytes = buffer.length - offset;
  const after = intactFramesFrom(buffer, offset + 1);
  const damage: LogDamage =
    after.appends === 0
      ? { kind: 'tail', offset, bytes }
      : { kind: 'middle', offset, bytes, appendsAfter: after.appends, eventsAfter: after.events };
  return { entries, validLength: offset, damage };
}

/** Counts the intact frames from `start` on, looking for the next one byte by byte after each bad spot. */
function intactFramesFrom(buffer: Buffer, start: number): { appends: number; events: number } {
  let appends = 0;
  let events = 0;
  let offset = start;
  while (offset < buffer.length) {
    const unit = readUnit(buffer, offset);
    if (unit === undefined) {
      offset += 1;
      continue;
    }
    appends += 1;
    events += unit.entries.filter((entry) => entry.kind === 'event').length;
    offset = unit.end;
  }
  return { appends, events };
}

/** "2 intact writes (5 events)": what follows a damage, in words. */
export function describeIntact(appends: number, events: number): string {
  const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
  return `${plural(appends, 'intact write')} (${plural(events, 'event')})`;
}
