// The records a fresh 24.10 node writes before any client does, and where the first client event therefore
// lands (startup-records.ts), worked out by hand from the record layout (record-size.ts).
import {
  hashPassword,
  startupRecords,
  type StartupEventRecord,
  type StartupOptions,
  type StartupRecord,
} from '../../src/emulator/log/startup-records.js';
import { firstUserEventPosition } from './record-sizes.js';

const INSTANCE_ID = '3F2504E0-4F89-11D3-9A0C-0305E82C3301';
const EPOCH_ID = 'a1b2c3d4-e5f6-4789-8abc-def012345678';

function fixedOptions(secure: boolean): StartupOptions {
  let counter = 0;
  return {
    instanceId: INSTANCE_ID,
    time: new Date('2024-11-20T10:11:12.345Z'),
    subMillisecondTicks: 6789,
    epochId: EPOCH_ID,
    secure,
    salt: () => new Uint8Array(16),
    newId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
  };
}

function asEvent(record: StartupRecord | undefined): StartupEventRecord {
  if (record?.kind !== 'event') throw new Error('expected an event record');
  return record;
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

describe('start-up records, insecure node', () => {
  it('writes the epoch, $epoch-information and the scavenge history metadata', () => {
    const records = startupRecords(fixedOptions(false));
    expect(records.map((r) => (r.kind === 'event' ? r.streamName : r.kind))).toEqual([
      'system',
      '$epoch-information',
      '$$$scavenges',
    ]);
    // epoch system record: 40 + 191 JSON bytes = 231, at position 0
    expect(records[0]).toEqual({ kind: 'system', description: expect.any(String) as string, size: 231 });
    // $epoch-information: 88 + ("$epoch-information": 18 + 1) * 2 + 191 = 317, at position 231
    const info = asEvent(records[1]);
    expect(info.eventType).toBe('$epoch-information');
    expect(info.isJson).toBe(true);
    expect(info.metadata.length).toBe(0);
    expect(info.size).toBe(317);
    expect(JSON.parse(text(info.data))).toEqual({
      epochId: EPOCH_ID,
      prevEpochPosition: -1,
      timeStamp: '2024-11-20T10:11:12.3456789Z',
      leaderInstanceId: INSTANCE_ID.toLowerCase(),
    });
    // $$$scavenges: 88 + ("$$$scavenges": 12 + 1) + ("$metadata": 9 + 1) + 74 JSON bytes = 185, at 548
    expect(records[2]?.size).toBe(185);
    // first client event at 231 + 317 + 185 = 733
    expect(firstUserEventPosition(fixedOptions(false))).toBe(733);
  });

  it('sets a 30-day $maxAge and $ops read access on the scavenge history', () => {
    const scavenges = asEvent(startupRecords(fixedOptions(false))[2]);
    expect([scavenges.eventType, scavenges.isJson, scavenges.metadata.length]).toEqual([
      '$metadata',
      true,
      0,
    ]);
    // 30 days = 2 592 000 s; one role as a string, the empty role lists as [] (StreamMetadata.cs WriteAclRoles)
    expect(text(scavenges.data)).toBe(
      '{"$maxAge":2592000,"$acl":{"$r":"$ops","$w":[],"$d":[],"$mr":[],"$mw":[]}}',
    );
    expect(scavenges.data.length).toBe(74);
  });

  it('depends on the time stamp fraction length', () => {
    // ".345" instead of ".3456789" is 4 bytes shorter in both epoch records: 733 - 8 = 725
    expect(firstUserEventPosition({ ...fixedOptions(false), subMillisecondTicks: 0 })).toBe(725);
  });

  it('lands on 733 with the default random sub-millisecond part', () => {
    for (let i = 0; i < 20; i++) {
      expect(firstUserEventPosition({ instanceId: INSTANCE_ID, time: new Date(), secure: false })).toBe(733);
    }
  });
});

describe('start-up records, secure node', () => {
  it('adds the default users, the scavenge history metadata after their ACLs', () => {
    const records = startupRecords(fixedOptions(true));
    expect(records.map((r) => (r.kind === 'event' ? `${r.streamName} ${r.eventType}` : r.kind))).toEqual([
      'system',
      '$epoch-information $epoch-information',
      '$$$user-admin $metadata',
      '$$$user-ops $metadata',
      '$$$scavenges $metadata',
      '$user-admin $UserCreated',
      '$user-ops $UserCreated',
      '$users $User',
      '$users $User',
    ]);
    // $$$user-admin: 88 + 14 + 10 + 56 = 168      $$$user-ops: 88 + 12 + 10 + 56 = 166
    // $user-admin:   88 + 12 + 13 + 182 = 295     $user-ops:   88 + 10 + 13 + 174 = 285
    // $users admin:  88 + 7 + 6 + 5 = 106          $users ops:  88 + 7 + 6 + 3 = 104
    // $$$scavenges:  88 + 13 + 10 + 74 = 185
    expect(records.map((r) => r.size)).toEqual([231, 317, 168, 166, 185, 295, 285, 106, 104]);
    // 231 + 317 + 168 + 166 + 185 + 295 + 285 + 106 + 104 = 1857
    expect(firstUserEventPosition(fixedOptions(true))).toBe(1857);
  });

  it('writes the ACL, user and $users payloads', () => {
    const records = startupRecords(fixedOptions(true));
    expect(text(asEvent(records[2]).data)).toBe('{"$acl":{"$w":"$admins","$d":"$admins","$mw":"$admins"}}');
    const admin = asEvent(records[5]);
    const hashed = hashPassword('changeit', new Uint8Array(16));
    expect(hashed.hash).toHaveLength(28);
    expect(hashed.salt).toBe('AAAAAAAAAAAAAAAAAAAAAA==');
    expect(text(admin.data)).toBe(
      '{\n' +
        '  "loginName": "admin",\n' +
        '  "fullName": "Event Store Administrator",\n' +
        '  "groups": [\n' +
        '    "$admins"\n' +
        '  ],\n' +
        `  "hash": "${hashed.hash}",\n` +
        '  "salt": "AAAAAAAAAAAAAAAAAAAAAA=="\n' +
        '}',
    );
    const ops = asEvent(records[6]);
    expect(JSON.parse(text(ops.data))).toMatchObject({ loginName: 'ops', groups: ['$ops'] });
    const usersAdmin = asEvent(records[7]);
    expect(usersAdmin.isJson).toBe(false);
    expect(text(usersAdmin.data)).toBe('admin');
    expect(new Set(records.flatMap((r) => (r.kind === 'event' ? [r.eventId] : []))).size).toBe(8);
  });

  it('lands on 1857 with random salts and time', () => {
    expect(firstUserEventPosition({ instanceId: INSTANCE_ID, time: new Date(), secure: true })).toBe(1857);
  });
});
