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

/** A group's current state flags, changed only through these named steps. */
export class GroupStatus {
  private flags: number = GroupState.NotReady;

  /** The raw flags, for GetInfo. */
  get value(): number {
    return this.flags;
  }

  /** Whether the group has loaded its checkpoint (any flag set). */
  get isReady(): boolean {
    return this.flags !== GroupState.NotReady;
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  add(flag: number): void {
    this.flags |= flag;
  }

  remove(flag: number): void {
    this.flags &= ~flag;
  }

  /** Reading has caught up with the source. */
  setLive(): void {
    this.flags = (this.flags & ~GroupState.Behind) | GroupState.Live;
  }

  /** The group reads history again (at load, or when live events overflowed the buffer). */
  setBehind(): void {
    this.flags = (this.flags | GroupState.Behind) & ~GroupState.Live;
  }
}
