/**
 * Where a persistent subscription group starts, and how Create and Update requests say it (docs/protocol.md
 * §2.5, §3.14): a oneof of the current request shape, and for stream groups the deprecated `settings.revision`
 * of the legacy shape too. Starts are inclusive: the event at a start position is delivered first.
 */
import type { Empty } from '../../generated/shared.js';

/** Where a group on `$all` starts. */
export type AllGroupStart =
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }
  | { readonly kind: 'position'; readonly commitPosition: bigint; readonly preparePosition: bigint };

/** Where a group on a stream starts. */
export type StreamGroupStart =
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }
  | { readonly kind: 'position'; readonly streamPosition: bigint };

const EMPTY: Empty = {};

/** The legacy shape's "end": UINT64 max (§3.14, Create). */
const LEGACY_END = 0xffff_ffff_ffff_ffffn;

/** The `all_option` of Create and Update (their Position messages have the same fields). */
export function allStartOption(
  start: AllGroupStart,
):
  | { $case: 'position'; value: { commitPosition: bigint; preparePosition: bigint } }
  | { $case: 'start' | 'end'; value: Empty } {
  return start.kind === 'position'
    ? {
        $case: 'position',
        value: { commitPosition: start.commitPosition, preparePosition: start.preparePosition },
      }
    : { $case: start.kind, value: EMPTY };
}

/** The `revision_option` of Create's and Update's StreamOptions. */
export function streamStartOption(
  start: StreamGroupStart,
): { $case: 'revision'; value: bigint } | { $case: 'start' | 'end'; value: Empty } {
  return start.kind === 'position'
    ? { $case: 'revision', value: start.streamPosition }
    : { $case: start.kind, value: EMPTY };
}

/**
 * The start in the legacy shape's `settings.revision`, which servers before 21.6 read for a stream group
 * (§3.14): 0 for the start, UINT64 max for the end. Later servers read the oneof and ignore it.
 */
export function legacyRevisionOf(start: StreamGroupStart): bigint {
  if (start.kind === 'position') return start.streamPosition;
  return start.kind === 'end' ? LEGACY_END : 0n;
}
