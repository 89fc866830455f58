/**
 * What an Update must send again to leave a group as it is: its settings and its start, read from the group's
 * `SubscriptionInfo` (docs/protocol.md §3.14.1). The start is kept exactly, prepare position included, since
 * another client may have created the group at a position whose prepare differs from its commit.
 */
import type { SubscriptionInfo as SubscriptionInfoMessage } from '../../generated/persistent.js';
import type { PersistentSubscriptionSettings } from '../subscriptions/subscription-settings.js';
import type { AllGroupStart, StreamGroupStart } from './group-starts.js';
import { settingsFromInfo } from './settings-from-info.js';

/** A group's settings and start, as they are on the server. */
export interface GroupSettingsOfInfo<Start> {
  readonly settings: Required<PersistentSubscriptionSettings>;
  readonly start: Start;
}

const LOG_POSITION = /^C:(-?\d+)\/P:(-?\d+)$/;
const STREAM_POSITION = /^-?\d+$/;

function unexpectedStart(text: string): RangeError {
  return new RangeError(`the server sent an unexpected start_from: '${text}'`);
}

/** The start of a group on `$all`: `"C:<commit>/P:<prepare>"`, `C:-1/P:-1` for the end. */
function allStartOf(text: string): AllGroupStart {
  const match = LOG_POSITION.exec(text);
  if (match?.[1] === undefined || match[2] === undefined) throw unexpectedStart(text);
  const commitPosition = BigInt(match[1]);
  const preparePosition = BigInt(match[2]);
  if (commitPosition < 0n || preparePosition < 0n) return { kind: 'end' };
  if (commitPosition === 0n && preparePosition === 0n) return { kind: 'start' };
  return { kind: 'position', commitPosition, preparePosition };
}

/** The start of a group on a stream: an event number, `-1` for the end. */
function streamStartOf(text: string): StreamGroupStart {
  if (!STREAM_POSITION.test(text)) throw unexpectedStart(text);
  const streamPosition = BigInt(text);
  if (streamPosition < 0n) return { kind: 'end' };
  return streamPosition === 0n ? { kind: 'start' } : { kind: 'position', streamPosition };
}

/** The settings and start of a group on `$all`. */
export function allGroupOfInfo(info: SubscriptionInfoMessage): GroupSettingsOfInfo<AllGroupStart> {
  return { settings: settingsFromInfo(info), start: allStartOf(info.startFrom) };
}

/** The settings and start of a group on a stream. */
export function streamGroupOfInfo(info: SubscriptionInfoMessage): GroupSettingsOfInfo<StreamGroupStart> {
  return { settings: settingsFromInfo(info), start: streamStartOf(info.startFrom) };
}
