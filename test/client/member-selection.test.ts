// Member selection by node preference (docs/protocol.md §3.15; NODE Client/discovery.js, PY
// _select_preferred_member) and the typed view of gossip members.
import { MemberInfo_VNodeState } from '../../src/generated/gossip.js';
import { type ClusterMember, clusterMemberOf } from '../../src/client/discovery/cluster-member.js';
import { selectMember } from '../../src/client/discovery/select-member.js';

function member(state: ClusterMember['state'], port: number, isAlive = true): ClusterMember {
  return { instanceId: `id-${port}`, state, isAlive, host: '127.0.0.1', port, timestamp: 0n };
}

const first = (): number => 0;
const last = (): number => 0.999;

describe('selectMember', () => {
  const cluster = [
    member('Follower', 1),
    member('Leader', 2),
    member('Follower', 3),
    member('ReadOnlyReplica', 4),
  ];

  test('leader: the one Leader', () => {
    expect(selectMember('leader', cluster, first)?.port).toBe(2);
    expect(selectMember('leader', cluster, last)?.port).toBe(2);
  });

  test('leader: none while there is no single alive Leader (mid-election, or two claimants), as PY insists', () => {
    expect(selectMember('leader', [member('Follower', 1), member('PreLeader', 2)])).toBeUndefined();
    expect(selectMember('leader', [member('Leader', 1, false), member('Follower', 2)])).toBeUndefined();
    expect(selectMember('leader', [member('Leader', 1), member('Leader', 2)])).toBeUndefined();
  });

  test('follower: a Follower, chosen at random among them', () => {
    expect(selectMember('follower', cluster, first)?.port).toBe(1);
    expect(selectMember('follower', cluster, last)?.port).toBe(3);
  });

  test('follower: falls back to another eligible member when no Follower is alive (NODE)', () => {
    expect(selectMember('follower', [member('Follower', 1, false), member('Leader', 2)])?.port).toBe(2);
  });

  test('readOnlyReplica: the replica first, then its transitional states, then any eligible member', () => {
    expect(selectMember('readOnlyReplica', cluster)?.port).toBe(4);
    expect(
      selectMember('readOnlyReplica', [member('Leader', 1), member('PreReadOnlyReplica', 2)])?.port,
    ).toBe(2);
    expect(selectMember('readOnlyReplica', [member('Leader', 1)])?.port).toBe(1);
  });

  test('random: any alive eligible member', () => {
    const seen = new Set(
      [0, 0.3, 0.6, 0.9].map((value) => selectMember('random', cluster, () => value)?.port),
    );
    expect(seen).toEqual(new Set([1, 2, 3, 4]));
  });

  test('dead members and transitional states are never chosen', () => {
    const members = [
      member('Leader', 1, false),
      member('CatchingUp', 2),
      member('PreReplica', 3),
      member('ShuttingDown', 4),
      member('Unrecognised', 5),
    ];
    for (const preference of ['leader', 'follower', 'random', 'readOnlyReplica'] as const) {
      expect(selectMember(preference, members)).toBeUndefined();
    }
    expect(selectMember('random', [])).toBeUndefined();
  });
});

describe('clusterMemberOf', () => {
  test('structured instance id as text, state by name, endpoint, timestamp', () => {
    expect(
      clusterMemberOf({
        instanceId: {
          value: {
            $case: 'structured',
            value: { mostSignificantBits: 0x0123456789abcdefn, leastSignificantBits: -1n },
          },
        },
        timeStamp: 638_000_000_000_000_000n,
        state: MemberInfo_VNodeState.Leader,
        isAlive: true,
        httpEndPoint: { address: '127.0.0.2', port: 2113 },
      }),
    ).toEqual({
      instanceId: '01234567-89ab-cdef-ffff-ffffffffffff',
      state: 'Leader',
      isAlive: true,
      host: '127.0.0.2',
      port: 2113,
      timestamp: 638_000_000_000_000_000n,
    });
  });

  test('an unrecognised state is Unrecognised; a missing endpoint gives port 0 (never chosen)', () => {
    const info = clusterMemberOf({
      instanceId: undefined,
      timeStamp: 0n,
      state: MemberInfo_VNodeState.UNRECOGNIZED,
      isAlive: true,
      httpEndPoint: undefined,
    });
    expect(info).toMatchObject({ instanceId: '', state: 'Unrecognised', port: 0 });
  });
});
