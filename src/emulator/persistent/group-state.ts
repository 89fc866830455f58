/** The state flags of a group (server: PersistentSubscriptionState.cs); GetInfo shows their names (§3.14). */
export const GroupState = {
  NotReady: 0x00,
  Behind: 0x01,
  OutstandingPageRequest: 0x02,
  ReplayingParkedMessages: 0x04,
  Live: 0x08,
} as const;

const NAMES: readonly [number, string][] = [
  [GroupState.Behind, 'Behind'],
  [GroupState.OutstandingPageRequest, 'OutstandingPageRequest'],
  [GroupState.ReplayingParkedMessages, 'ReplayingParkedMessages'],
  [GroupState.Live, 'Live'],
];

/** The .NET `[Flags]` enum text: `NotReady` for none, otherwise the set names in value order, comma-separated. */
export function groupStateText(state: number): string {
  if (state === GroupState.NotReady) return 'NotReady';
  return NAMES.filter(([flag]) => (state & flag) !== 0)
    .map(([, name]) => name)
    .join(', ');
}
