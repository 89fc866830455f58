/**
 * The options that creating and updating a persistent subscription group share: its start (`fromEnd`, and
 * `commitPosition` or `streamPosition`) and its settings, checked and turned into what the requests carry.
 */
import { checkBoolean, checkPosition } from '../arguments/checks.js';
import {
  checkSettingsTogether,
  checkSubscriptionSettings,
} from '../arguments/subscription-settings-checks.js';
import type { AllGroupStart, StreamGroupStart } from '../wire/group-starts.js';
import {
  DEFAULT_SUBSCRIPTION_SETTINGS,
  type PersistentSubscriptionSettings,
  settingsWith,
} from './subscription-settings.js';

/**
 * The start of a group on `$all` from `fromEnd` and `commitPosition` (which wins); undefined when neither is
 * given. Events written over gRPC have the same commit and prepare positions (§3.12).
 */
export function allStartFrom(
  fromEnd: unknown,
  commitPosition: unknown,
  where: string,
): AllGroupStart | undefined {
  const end = checkBoolean(fromEnd, `${where}: fromEnd`);
  if (commitPosition !== undefined) {
    const position = checkPosition(commitPosition, `${where}: commitPosition`);
    return { kind: 'position', commitPosition: position, preparePosition: position };
  }
  if (end === undefined) return undefined;
  return end ? { kind: 'end' } : { kind: 'start' };
}

/** The start of a group on a stream from `fromEnd` and `streamPosition` (which wins); undefined for neither. */
export function streamStartFrom(
  fromEnd: unknown,
  streamPosition: unknown,
  where: string,
): StreamGroupStart | undefined {
  const end = checkBoolean(fromEnd, `${where}: fromEnd`);
  if (streamPosition !== undefined) {
    return {
      kind: 'position',
      streamPosition: checkPosition(streamPosition, `${where}: streamPosition`),
    };
  }
  if (end === undefined) return undefined;
  return end ? { kind: 'end' } : { kind: 'start' };
}

/**
 * The settings of a new group: those given, checked, and the defaults for the others (the server applies none
 * of its own, §3.14).
 * @throws TypeError or RangeError naming the setting that is wrong.
 */
export function settingsForCreate(
  given: PersistentSubscriptionSettings,
  where: string,
): Required<PersistentSubscriptionSettings> {
  const checked = checkSubscriptionSettings(given, where);
  const settings = settingsWith(DEFAULT_SUBSCRIPTION_SETTINGS, checked);
  checkSettingsTogether(settings, checked, where);
  return settings;
}
