/**
 * Contract: what a fresh node has written to `$all` before any client writes, as the official client reads it.
 * A node writes the scavenge history's stream metadata once, when it first becomes leader or follower
 * (TFChunkScavengerLogManager.cs `SetScavengeStreamMetadata`, docs/protocol.md §3.12.1): a `$metadata` JSON
 * event in `$$$scavenges` keeping 30 days of history, readable by operators.
 */
import { START } from '@kurrent/kurrentdb-client';

import { MODES, collect, useContractTarget } from './harness.js';

jest.setTimeout(30_000);

describe.each(MODES)('start-up records (%s)', (mode) => {
  const target = useContractTarget(mode);

  test('$all starts with the scavenge history metadata in $$$scavenges', async () => {
    const client = target().client();
    const first = await collect(client.readAll({ fromPosition: START, maxCount: 20 }));
    const scavenges = first.filter((resolved) => resolved.event?.streamId === '$$$scavenges');
    expect(scavenges.map((resolved) => resolved.event?.type)).toEqual(['$metadata']);
    expect(scavenges[0]?.event?.data).toEqual({
      $maxAge: 2592000,
      $acl: { $r: '$ops', $w: [], $d: [], $mr: [], $mw: [] },
    });
  });
});
