/**
 * Contract: authentication and default ACLs as the official client sees them (§4, §3.1.1, §3.1.2). A secure
 * node rejects wrong credentials before any handler runs and denies anonymous callers stream access; an
 * `--insecure` node treats every call as privileged.
 */
import { randomUUID } from 'node:crypto';

import { status } from '@grpc/grpc-js';
import { AccessDeniedError, START } from '@kurrent/kurrentdb-client';

import {
  MODES,
  collect,
  makeEvents,
  rejectionOf,
  uniqueStream,
  useContractTarget,
  type Credentials,
} from './harness.js';
import { SubscriptionRecorder } from './subscription-recorder.js';

jest.setTimeout(30_000);

const describeSecure = MODES.includes('secure') ? describe : describe.skip;
const describeInsecure = MODES.includes('insecure') ? describe : describe.skip;

/** The built-in `ops` account: not in `$admins`, password `changeit` (§3.17). */
const OPS: Credentials = { username: 'ops', password: 'changeit' };

describeSecure('security (secure)', () => {
  const target = useContractTarget('secure');

  const wrongPassword = (): Credentials => ({
    username: target().admin.username,
    password: `wrong-${randomUUID()}`,
  });

  describe('wrong password', () => {
    test('appends fail with UNAUTHENTICATED, which the client reports as AccessDeniedError', async () => {
      const client = target().clientAs(wrongPassword());

      const error = await rejectionOf(client.appendToStream(uniqueStream('sec-wrong'), makeEvents(1)));
      // §4 / §3.1.2: a well-formed Basic header with wrong credentials ends the call with UNAUTHENTICATED
      // (16) `Unauthenticated`; NODE maps it to AccessDeniedError.
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect((error as AccessDeniedError).code).toBe(status.UNAUTHENTICATED);
    });

    test('per-call credentials with a wrong password fail the same way (Append path)', async () => {
      const client = target().client();

      const error = await rejectionOf(
        client.appendToStream(uniqueStream('sec-wrong-call'), makeEvents(1), {
          credentials: wrongPassword(),
        }),
      );
      // §4 / §3.1.2: UNAUTHENTICATED before the handler runs.
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect((error as AccessDeniedError).code).toBe(status.UNAUTHENTICATED);
    });

    test('reads through the native bridge fail with AccessDeniedError', async () => {
      const admin = target().client();
      const stream = uniqueStream('sec-wrong-read');
      await admin.appendToStream(stream, makeEvents(1));

      const error = await rejectionOf(collect(target().clientAs(wrongPassword()).readStream(stream)));
      // §4 / §3.1.2: UNAUTHENTICATED; the bridge reports it as an access-denied error.
      expect(error).toBeInstanceOf(AccessDeniedError);
    });

    test('subscriptions fail with UNAUTHENTICATED', async () => {
      const recorder = new SubscriptionRecorder();
      recorder.attach(
        target()
          .clientAs(wrongPassword())
          .subscribeToStream(uniqueStream('sec-wrong-sub'), { fromRevision: START }),
      );
      const error = await recorder.waitForError();
      // §4: the call ends before any confirmation.
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect((error as AccessDeniedError).code).toBe(status.UNAUTHENTICATED);
      expect(recorder.signals).toEqual([]);
    });
  });

  describe('no credentials', () => {
    test('stream operations are denied to the anonymous user', async () => {
      const admin = target().client();
      const stream = uniqueStream('sec-anonymous');
      await admin.appendToStream(stream, makeEvents(1));
      const anonymous = target().clientAs(undefined);

      // §4: without a header the call runs as anonymous, and since 23.6 anonymous callers have no stream
      // access: PERMISSION_DENIED access-denied (§3.1.1), or the in-band AccessDenied of BatchAppend (§3.5).
      expect(await rejectionOf(anonymous.appendToStream(stream, makeEvents(1)))).toBeInstanceOf(
        AccessDeniedError,
      );
      expect(await rejectionOf(collect(anonymous.readStream(stream)))).toBeInstanceOf(AccessDeniedError);
      expect(await rejectionOf(collect(anonymous.readAll({ maxCount: 1 })))).toBeInstanceOf(
        AccessDeniedError,
      );

      const deleted = await rejectionOf(anonymous.deleteStream(stream));
      expect(deleted).toBeInstanceOf(AccessDeniedError);
      expect((deleted as AccessDeniedError).code).toBe(status.PERMISSION_DENIED);

      // Nothing was changed by the denied calls.
      expect(await collect(admin.readStream(stream))).toHaveLength(1);
    });

    test('a subscription is denied with PERMISSION_DENIED', async () => {
      const recorder = new SubscriptionRecorder();
      recorder.attach(
        target()
          .clientAs(undefined)
          .subscribeToStream(uniqueStream('sec-anonymous-sub'), { fromRevision: START }),
      );
      const error = await recorder.waitForError();
      // §3.8: access-denied, possibly before the confirmation.
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect((error as AccessDeniedError).code).toBe(status.PERMISSION_DENIED);
    });
  });

  describe('default ACLs', () => {
    test('a non-admin user may use user streams but not read $all or system streams', async () => {
      const ops = target().clientAs(OPS);
      const stream = uniqueStream('sec-ops');

      // §4: user streams are open to every authenticated user.
      const appended = await ops.appendToStream(stream, makeEvents(2));
      expect(appended.nextExpectedRevision).toBe(1n);
      expect(await collect(ops.readStream(stream))).toHaveLength(2);

      // §4: reading $all counts as reading a system stream: `$admins` only.
      expect(await rejectionOf(collect(ops.readAll({ maxCount: 1 })))).toBeInstanceOf(AccessDeniedError);
      const metastreamRead = await rejectionOf(collect(ops.readStream(`$${stream}-system`)));
      expect(metastreamRead).toBeInstanceOf(AccessDeniedError);
    });
  });
});

describeInsecure('security (insecure)', () => {
  const target = useContractTarget('insecure');

  test('every call is privileged, whatever credentials are configured', async () => {
    // §4: in `--insecure` mode every request is treated as a fully privileged user and any authorization
    // header is ignored (NODE does not even send it, §5 item 10).
    for (const credentials of [undefined, { username: 'admin', password: `wrong-${randomUUID()}` }]) {
      const client = target().clientAs(credentials);
      const stream = uniqueStream('insecure');
      await client.appendToStream(stream, makeEvents(2));
      expect(await collect(client.readStream(stream))).toHaveLength(2);
      // Reading $all and system streams needs `$admins` on a secure node (§4); here it is allowed.
      expect(await collect(client.readAll({ maxCount: 1 }))).toHaveLength(1);
      await client.setStreamMetadata(stream, { maxCount: 5 });
      expect(await collect(client.readStream(`$$${stream}`))).toHaveLength(1);
    }
  });
});
