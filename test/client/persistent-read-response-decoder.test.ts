// The client's own persistent ReadResp decoder, checked against messages encoded by the generated codec: the
// confirmation, events with and without links (which id to acknowledge), retry counts, and unknown content.
import { PersistentRecordedEvent, RecordedEvent } from '../../src/client/index.js';
import { decodePersistentReadResponse } from '../../src/client/wire/persistent-read-response-decoder.js';
import {
  type DeepPartial,
  ReadResp,
  type ReadResp_ReadEvent_RecordedEvent,
} from '../../src/generated/persistent.js';

const encode = (message: DeepPartial<ReadResp>): Uint8Array =>
  ReadResp.encode(ReadResp.fromPartial(message)).finish();

const EVENT_ID = '00112233-4455-6677-8899-aabbccddeeff';
const LINK_ID = 'ffeeddcc-bbaa-4988-8776-655443322110';

function recorded(
  id: string,
  streamName: string,
  revision: bigint,
  type: string,
  position: bigint,
): DeepPartial<ReadResp_ReadEvent_RecordedEvent> {
  return {
    id: { value: { $case: 'string', value: id } },
    streamIdentifier: { streamName: Buffer.from(streamName) },
    streamRevision: revision,
    preparePosition: position,
    commitPosition: position,
    metadata: { type, 'content-type': 'application/json', created: '16040000000000000' },
    customMetadata: Buffer.from('{"m":1}'),
    data: Buffer.from('{"d":2}'),
  };
}

test('the confirmation carries the subscription id', () => {
  expect(
    decodePersistentReadResponse(
      encode({ content: { $case: 'subscriptionConfirmation', value: { subscriptionId: '$all::g1' } } }),
    ),
  ).toEqual({ kind: 'subscription-confirmation', subscriptionId: '$all::g1' });
});

test('an event becomes a frozen PersistentRecordedEvent with its retry count', () => {
  const decoded = decodePersistentReadResponse(
    encode({
      content: {
        $case: 'event',
        value: {
          event: recorded(EVENT_ID, 'orders-1', 7n, 'OrderCreated', 4096n),
          position: { $case: 'commitPosition', value: 4096n },
          count: { $case: 'retryCount', value: 3 },
        },
      },
    }),
  );
  expect(decoded).toBeInstanceOf(PersistentRecordedEvent);
  expect(decoded).toBeInstanceOf(RecordedEvent);
  const event = decoded as PersistentRecordedEvent;
  expect(event).toMatchObject({
    id: EVENT_ID,
    ackId: EVENT_ID,
    retryCount: 3,
    type: 'OrderCreated',
    contentType: 'application/json',
    streamName: 'orders-1',
    streamPosition: 7n,
    commitPosition: 4096n,
  });
  expect(Buffer.from(event.data).toString()).toBe('{"d":2}');
  expect(Buffer.from(event.metadata).toString()).toBe('{"m":1}');
  expect(event.recordedAt.toISOString()).toBe('2020-10-29T19:33:20.000Z');
  expect(Object.isFrozen(event)).toBe(true);
});

test('retry count 0 is decoded (the server always sends it), and a missing one reads as 0', () => {
  const withZero = decodePersistentReadResponse(
    encode({
      content: {
        $case: 'event',
        value: { event: recorded(EVENT_ID, 's', 0n, 'T', 1n), count: { $case: 'retryCount', value: 0 } },
      },
    }),
  );
  expect((withZero as PersistentRecordedEvent).retryCount).toBe(0);
  const withNone = decodePersistentReadResponse(
    encode({
      content: {
        $case: 'event',
        value: { event: recorded(EVENT_ID, 's', 0n, 'T', 1n), count: { $case: 'noRetryCount', value: {} } },
      },
    }),
  );
  expect((withNone as PersistentRecordedEvent).retryCount).toBe(0);
});

test('a resolved link delivers the target event, acknowledged by the link id', () => {
  const decoded = decodePersistentReadResponse(
    encode({
      content: {
        $case: 'event',
        value: {
          event: recorded(EVENT_ID, 'orders-1', 7n, 'OrderCreated', 9000n),
          link: recorded(LINK_ID, '$ce-orders', 2n, '$>', 9000n),
          position: { $case: 'commitPosition', value: 9000n },
          count: { $case: 'retryCount', value: 1 },
        },
      },
    }),
  ) as PersistentRecordedEvent;
  expect([decoded.id, decoded.ackId, decoded.type, decoded.streamName, decoded.retryCount]).toEqual([
    EVENT_ID,
    LINK_ID,
    'OrderCreated',
    'orders-1',
    1,
  ]);
  // The link record is there too, a plain RecordedEvent with its own fields.
  expect(decoded.link).toBeInstanceOf(RecordedEvent);
  expect(decoded.link).not.toBeInstanceOf(PersistentRecordedEvent);
  expect(decoded.link).toMatchObject({
    id: LINK_ID,
    type: '$>',
    streamName: '$ce-orders',
    streamPosition: 2n,
    commitPosition: 9000n,
    link: undefined,
  });
  expect(Object.isFrozen(decoded.link)).toBe(true);
});

test('an event delivered without a link has no link', () => {
  const decoded = decodePersistentReadResponse(
    encode({ content: { $case: 'event', value: { event: recorded(EVENT_ID, 's', 0n, 'T', 1n) } } }),
  ) as PersistentRecordedEvent;
  expect(decoded.link).toBeUndefined();
});

test('a link whose target is gone is delivered itself, so that it can be acknowledged', () => {
  const decoded = decodePersistentReadResponse(
    encode({
      content: {
        $case: 'event',
        value: {
          link: recorded(LINK_ID, '$ce-orders', 2n, '$>', 9000n),
          position: { $case: 'noPosition', value: {} },
        },
      },
    }),
  ) as PersistentRecordedEvent;
  expect([decoded.id, decoded.ackId, decoded.type, decoded.link]).toEqual([
    LINK_ID,
    LINK_ID,
    '$>',
    undefined,
  ]);
});

test('structured ids are read too; an empty event message and unknown fields are ignored', () => {
  const structured = decodePersistentReadResponse(
    encode({
      content: {
        $case: 'event',
        value: {
          event: {
            ...recorded(EVENT_ID, 's', 0n, 'T', 1n),
            id: {
              value: {
                $case: 'structured',
                value: {
                  mostSignificantBits: 0x0011223344556677n,
                  // The halves are signed (§3.11).
                  leastSignificantBits: BigInt.asIntN(64, 0x8899aabbccddeeffn),
                },
              },
            },
          },
        },
      },
    }),
  ) as PersistentRecordedEvent;
  expect([structured.id, structured.ackId]).toEqual([EVENT_ID, EVENT_ID]);
  expect(decodePersistentReadResponse(encode({ content: { $case: 'event', value: {} } }))).toEqual({
    kind: 'ignored',
  });
  // Field 15, a varint this client does not know, followed by nothing else.
  expect(decodePersistentReadResponse(Uint8Array.from([0x78, 0x01]))).toEqual({ kind: 'ignored' });
});
