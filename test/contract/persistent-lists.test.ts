/**
 * Contract: the official client's List calls for persistent subscriptions, and who may use List and GetInfo on
 * a secure node (§3.14, §3.14.1). As for GetInfo (persistent-management.test.ts), NODE uses gRPC only when
 * ServerFeatures lists the method with its features (§3.16); the emulator has no HTTP API to fall back to.
 */
import { randomUUID } from 'node:crypto';

import {
  AccessDeniedError,
  END,
  PersistentSubscriptionDoesNotExistError,
  START,
  persistentSubscriptionToAllSettingsFromDefaults,
  persistentSubscriptionToStreamSettingsFromDefaults,
  type PersistentSubscriptionToAllInfo,
  type PersistentSubscriptionToStreamInfo,
  type PersistentSubscriptionToStreamResolvedEvent,
} from '@kurrent/kurrentdb-client';

import {
  MODES,
  eventually,
  rejectionOf,
  uniqueStream,
  useContractTarget,
  type Credentials,
} from './harness.js';
import { SubscriptionRecorder } from './subscription-recorder.js';

jest.setTimeout(30_000);

const describeSecure = MODES.includes('secure') ? describe : describe.skip;

/** The built-in `ops` account: in `$ops`, not in `$admins` (§3.17). */
const OPS: Credentials = { username: 'ops', password: 'changeit' };

const group = () => `group-${randomUUID()}`;

describe.each(MODES)('persistent subscription lists (%s)', (mode) => {
  const target = useContractTarget(mode);

  test('lists: the groups of a stream, of $all, and every group, each mapped by its event source', async () => {
    const client = target().client();
    const stream = uniqueStream('ps-list');
    const streamGroups = [group(), group()];
    const allGroup = group();
    for (const groupName of streamGroups) {
      await client.createPersistentSubscriptionToStream(
        stream,
        groupName,
        persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: 5n }),
      );
    }
    await client.createPersistentSubscriptionToAll(
      allGroup,
      persistentSubscriptionToAllSettingsFromDefaults(),
    );

    const ofStream = await client.listPersistentSubscriptionsToStream(stream);
    // §3.14 List: list_for_stream returns exactly that stream's groups.
    expect(ofStream.map((info) => info.groupName).sort()).toEqual([...streamGroups].sort());
    expect(ofStream.every((info) => info.eventSource === stream && info.settings.startFrom === 5n)).toBe(
      true,
    );

    const ofAll = await client.listPersistentSubscriptionsToAll();
    expect(ofAll.map((info) => info.groupName)).toContain(allGroup);
    expect(new Set(ofAll.map((info) => info.eventSource))).toEqual(new Set(['$all']));

    const everything = await client.listAllPersistentSubscriptions();
    const ours = everything.filter((info) => [...streamGroups, allGroup].includes(info.groupName));
    // §3.14 List: list_all_subscriptions returns stream and $all groups together; NODE maps each by its source.
    expect(ours).toHaveLength(3);
    const allInfo = ours.find(
      (
        info: PersistentSubscriptionToStreamInfo | PersistentSubscriptionToAllInfo,
      ): info is PersistentSubscriptionToAllInfo => info.eventSource === '$all',
    );
    expect(allInfo?.groupName).toBe(allGroup);
    expect(allInfo?.settings.startFrom).toBe(END);
  });

  test('listing a stream that never had a group fails; once its groups are deleted it lists none', async () => {
    const client = target().client();
    const stream = uniqueStream('ps-list-none');

    const error = await rejectionOf(client.listPersistentSubscriptionsToStream(stream));
    // §3.14 List: a source without groups is NOT_FOUND persistent-subscription-does-not-exist with group-name "",
    // not an empty list; NODE passes it on as PersistentSubscriptionDoesNotExistError.
    expect(error).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
    expect((error as PersistentSubscriptionDoesNotExistError).streamName).toBe(stream);
    expect((error as PersistentSubscriptionDoesNotExistError).groupName).toBe('');

    const groupName = group();
    await client.createPersistentSubscriptionToStream(
      stream,
      groupName,
      persistentSubscriptionToStreamSettingsFromDefaults(),
    );
    await client.deletePersistentSubscriptionToStream(stream, groupName);
    // Server: PersistentSubscriptionService.cs keeps the stream's (now empty) group list after a delete, so the
    // answer is an empty list until the subsystem restarts.
    expect(await client.listPersistentSubscriptionsToStream(stream)).toEqual([]);
  });
});

describeSecure('persistent subscription info and lists: permissions (secure)', () => {
  const target = useContractTarget('secure');

  test('any authenticated user may read info and lists; a consumer shows as its user', async () => {
    const stream = uniqueStream('ps-info-ops');
    const groupName = group();
    await target()
      .client()
      .createPersistentSubscriptionToStream(
        stream,
        groupName,
        persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START }),
      );
    const ops = target().clientAs(OPS);
    const consumer = new SubscriptionRecorder<PersistentSubscriptionToStreamResolvedEvent>();
    consumer.attach(ops.subscribeToPersistentSubscriptionToStream(stream, groupName));
    try {
      await consumer.waitForSignal('confirmation');
      const info = await eventually(
        () => ops.getPersistentSubscriptionToStreamInfo(stream, groupName),
        (read) => read.connections.length === 1,
        'the ops consumer in the info',
      );
      // §3.14.1: GetInfo and List need an authenticated user; `username` is the consumer's caller.
      expect(info.connections[0]?.username).toBe(OPS.username);
      expect((await ops.listPersistentSubscriptionsToStream(stream)).map((read) => read.groupName)).toEqual([
        groupName,
      ]);
      expect((await ops.listAllPersistentSubscriptions()).map((read) => read.groupName)).toContain(groupName);
    } finally {
      await consumer.stop();
    }
  });

  test('the anonymous user is denied info and lists before the group is looked up', async () => {
    const anonymous = target().clientAs(undefined);
    const missing = group();
    // §3.14.1: subscriptions/statistics requires an authenticated user: PERMISSION_DENIED access-denied,
    // checked before the (missing) group is looked up.
    const calls: Promise<unknown>[] = [
      anonymous.getPersistentSubscriptionToStreamInfo(uniqueStream('ps-info-anon'), missing),
      anonymous.getPersistentSubscriptionToAllInfo(missing),
      anonymous.listPersistentSubscriptionsToStream(uniqueStream('ps-list-anon')),
      anonymous.listPersistentSubscriptionsToAll(),
      anonymous.listAllPersistentSubscriptions(),
    ];
    for (const call of calls) expect(await rejectionOf(call)).toBeInstanceOf(AccessDeniedError);
  });
});
