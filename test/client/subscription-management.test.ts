// deleteSubscription, replayParkedEvents and restartSubscriptionsSubsystem against a server, in insecure and
// secure mode: deleting groups on $all and on a stream (and what their consumers see), replaying parked events
// (all, or up to stopAt), restarting the subsystem, the missing group, and who may do what on a secure server.
import {
  AccessDeniedError,
  EsdbClient,
  SubscriptionDroppedError,
  type PersistentRecordedEvent,
  SubscriptionNotFoundError,
  type SubscriptionReadRequest,
  type SubscriptionReadResponse,
} from '../../src/client/index.js';
import { infoWhen } from './support/group-info.js';
import { nothingWithin, take, textEvent, uniqueGroup, uniqueType } from './support/subscriptions.js';
import { AGAINST_EMULATOR, MODES, rejectionOf, uniqueStream, useClientTarget } from './support/target.js';

jest.setTimeout(30_000);

/** A group on $all that receives only `count` new events of a type of its own, and a consumer of it. */
async function groupWithEvents(
  client: EsdbClient,
  count: number,
): Promise<{
  groupName: string;
  readReq: SubscriptionReadRequest;
  readResp: SubscriptionReadResponse;
  received: PersistentRecordedEvent[];
}> {
  const type = uniqueType('Managed');
  const groupName = uniqueGroup();
  await client.createSubscription({ groupName, filterInclude: [type] });
  const events = Array.from({ length: count }, (_, index) => textEvent(type, String(index)));
  await client.appendEvents({ streamName: uniqueStream('managed'), expectedPosition: null, events });
  // Without resubscribing, so that the server dropping the consumer shows (§3.14 Read step 8).
  const [readReq, readResp] = client.readSubscription({ groupName, maxAckDelay: 0, resubscribe: false });
  const received = await take(readResp, count);
  return { groupName, readReq, readResp, received };
}

/** What the next step of a consumer's iteration fails with. */
async function failureOf(readResp: SubscriptionReadResponse): Promise<unknown> {
  return rejectionOf(take(readResp, 1));
}

/** The consumer's iteration failed because the server dropped it (§3.14 Read step 8). */
function expectDropped(error: unknown): void {
  expect(error).toBeInstanceOf(SubscriptionDroppedError);
  expect(error).toMatchObject({ grpcStatus: { trailers: { exception: 'persistent-subscription-dropped' } } });
}

describe.each(MODES)('subscription management (%s)', (mode) => {
  const target = useClientTarget(mode);

  describe('deleteSubscription', () => {
    test('deletes a group on $all, and drops its consumer', async () => {
      const client = target().client();
      const { groupName, readResp } = await groupWithEvents(client, 1);
      try {
        await client.deleteSubscription({ groupName });
        expectDropped(await failureOf(readResp));
        await expect(client.getSubscriptionInfo({ groupName })).rejects.toBeInstanceOf(
          SubscriptionNotFoundError,
        );
      } finally {
        await readResp.close();
      }
    });

    test('deletes a group on a stream, and only that one', async () => {
      const client = target().client();
      const streamName = uniqueStream('managed');
      const [doomed, kept] = [uniqueGroup(), uniqueGroup()];
      await client.createStreamSubscription({ groupName: doomed, streamName });
      await client.createStreamSubscription({ groupName: kept, streamName });
      await client.deleteSubscription({ groupName: doomed, streamName });
      const error = await rejectionOf(client.getSubscriptionInfo({ groupName: doomed, streamName }));
      expect(error).toBeInstanceOf(SubscriptionNotFoundError);
      const left = await client.listSubscriptions({ streamName });
      expect(left.map((info) => info.groupName)).toEqual([kept]);
    });

    test('a missing group is a SubscriptionNotFoundError naming it', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      const error = await rejectionOf(client.deleteSubscription({ groupName }));
      expect(error).toBeInstanceOf(SubscriptionNotFoundError);
      expect(error).toMatchObject({ groupName, streamName: '$all' });
      const streamName = uniqueStream('managed');
      const onStream = await rejectionOf(client.deleteSubscription({ groupName, streamName }));
      expect(onStream).toBeInstanceOf(SubscriptionNotFoundError);
      expect(onStream).toMatchObject({ groupName, streamName });
    });
  });

  describe('replayParkedEvents', () => {
    test('gives the parked events to the consumer again, with retryCount 0', async () => {
      const client = target().client();
      const { groupName, readReq, readResp, received } = await groupWithEvents(client, 2);
      try {
        const [parked, acked] = received;
        readReq.nack(parked?.id ?? '', 'park');
        readReq.ack(acked?.id ?? '');
        await infoWhen(client, { groupName }, (info) => info.parkedMessageCount === 1n);

        await client.replayParkedEvents({ groupName });
        const [again] = await take(readResp, 1);
        expect(again?.id).toBe(parked?.id);
        expect(again?.retryCount).toBe(0);
        readReq.ack(again?.id ?? '');
        await infoWhen(client, { groupName }, (info) => info.parkedMessageCount === 0n);
      } finally {
        await readResp.close();
      }
    });

    test('stopAt replays only the parked events numbered below it', async () => {
      const client = target().client();
      const { groupName, readReq, readResp, received } = await groupWithEvents(client, 3);
      try {
        // Parked one at a time, so that the parked stream numbers them in this order.
        for (const [index, event] of received.entries()) {
          readReq.nack(event.id, 'park');
          await infoWhen(client, { groupName }, (info) => info.parkedMessageCount === BigInt(index + 1));
        }
        await client.replayParkedEvents({ groupName, stopAt: 2 });
        const replayed = await take(readResp, 2);
        expect(replayed.map((event) => event.id)).toEqual(received.slice(0, 2).map((event) => event.id));
        for (const event of replayed) readReq.ack(event.id);
        expect(await nothingWithin(readResp, 300)).toBeUndefined();
        await infoWhen(client, { groupName }, (info) => info.parkedMessageCount === 1n);
      } finally {
        await readResp.close();
      }
    });

    test('a missing group is a SubscriptionNotFoundError', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      const error = await rejectionOf(client.replayParkedEvents({ groupName, stopAt: 5n }));
      expect(error).toBeInstanceOf(SubscriptionNotFoundError);
      expect(error).toMatchObject({ groupName });
    });
  });

  describe('restartSubscriptionsSubsystem', () => {
    // A restart drops the consumers of every group on the server: against a shared server it would break the
    // suites running beside this one.
    const onOwnServer = AGAINST_EMULATOR ? test : test.skip;

    onOwnServer('drops every consumer; the groups carry on, giving unacknowledged events again', async () => {
      const client = target().client();
      const { groupName, readResp, received } = await groupWithEvents(client, 1);
      try {
        await client.restartSubscriptionsSubsystem();
        expectDropped(await failureOf(readResp));
      } finally {
        await readResp.close();
      }
      const info = await infoWhen(client, { groupName }, (candidate) => candidate.connections.length === 0);
      expect(info.groupName).toBe(groupName);
      const [, again] = client.readSubscription({ groupName });
      try {
        const [event] = await take(again, 1);
        expect(event?.id).toBe(received[0]?.id);
      } finally {
        await again.close();
      }
    });
  });

  if (mode === 'secure') {
    describe('access', () => {
      test('without credentials every management call is denied', async () => {
        const admin = target().client();
        const groupName = uniqueGroup();
        await admin.createSubscription({ groupName });
        const anonymous = new EsdbClient({
          ...target().hostOptions,
          username: undefined,
          password: undefined,
        });
        try {
          const calls: Promise<unknown>[] = [
            anonymous.getSubscriptionInfo({ groupName }),
            anonymous.listSubscriptions(),
            anonymous.replayParkedEvents({ groupName }),
            anonymous.deleteSubscription({ groupName }),
            anonymous.restartSubscriptionsSubsystem(),
          ];
          for (const call of calls) expect(await rejectionOf(call)).toBeInstanceOf(AccessDeniedError);
        } finally {
          await anonymous.close();
        }
        expect((await admin.getSubscriptionInfo({ groupName })).groupName).toBe(groupName);
      });

      test('the ops user, a member of $ops, may manage groups', async () => {
        const admin = target().client();
        const groupName = uniqueGroup();
        await admin.createSubscription({ groupName });
        const ops = new EsdbClient({ ...target().hostOptions, username: 'ops', password: 'changeit' });
        try {
          expect((await ops.getSubscriptionInfo({ groupName })).groupName).toBe(groupName);
          await ops.replayParkedEvents({ groupName });
          await ops.deleteSubscription({ groupName });
        } finally {
          await ops.close();
        }
        await expect(admin.getSubscriptionInfo({ groupName })).rejects.toBeInstanceOf(
          SubscriptionNotFoundError,
        );
      });
    });
  }
});
