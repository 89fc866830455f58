// The client's own ReadResp decoder, checked against messages encoded by the generated codec: every member of
// the content oneof, both UUID forms, large positions, non-ASCII names and the server's metadata keys.
import { decodeReadResponse } from '../../src/client/wire/read-response-decoder.js';
import { RecordedEvent } from '../../src/client/index.js';
import {
  type DeepPartial,
  ReadResp,
  type ReadResp_ReadEvent_RecordedEvent,
} from '../../src/generated/streams.js';

const encode = (message: DeepPartial<ReadResp>): Uint8Array =>
  ReadResp.encode(ReadResp.fromPartial(message)).finish();

function eventMessage(overrides: {
  id?: DeepPartial<ReadResp>['content'];
  streamName?: string;
  revision?: bigint;
  commit?: bigint;
  metadata?: Record<string, string>;
  idValue?:
    | { $case: 'string'; value: string }
    | { $case: 'structured'; value: { mostSignificantBits: bigint; leastSignificantBits: bigint } };
  link?: DeepPartial<ReadResp_ReadEvent_RecordedEvent>;
}): DeepPartial<ReadResp> {
  return {
    content: {
      $case: 'event',
      value: {
        event: {
          id: {
            value: overrides.idValue ?? { $case: 'string', value: '00112233-4455-6677-8899-aabbccddeeff' },
          },
          streamIdentifier: { streamName: Buffer.from(overrides.streamName ?? 'orders-1') },
          streamRevision: overrides.revision ?? 7n,
          preparePosition: overrides.commit ?? 4096n,
          commitPosition: overrides.commit ?? 4096n,
          metadata: overrides.metadata ?? {
            type: 'OrderCreated',
            'content-type': 'application/json',
            created: '16040000000000000',
          },
          customMetadata: Buffer.from('{"m":1}'),
          data: Buffer.from('{"d":2}'),
        },
        link: overrides.link,
        position: {
          $case: 'commitPosition',
          value: overrides.link?.commitPosition ?? overrides.commit ?? 4096n,
        },
      },
    },
  };
}

test('an event becomes a RecordedEvent with every field', () => {
  const decoded = decodeReadResponse(encode(eventMessage({})));
  expect(decoded).toBeInstanceOf(RecordedEvent);
  const event = decoded as RecordedEvent;
  expect(event).toMatchObject({
    id: '00112233-4455-6677-8899-aabbccddeeff',
    type: 'OrderCreated',
    contentType: 'application/json',
    streamName: 'orders-1',
    streamPosition: 7n,
    commitPosition: 4096n,
  });
  expect(Buffer.from(event.data).toString()).toBe('{"d":2}');
  expect(Buffer.from(event.metadata).toString()).toBe('{"m":1}');
  // 16040000000000000 ticks of 100 ns since the epoch is 2020-10-29T19:33:20Z (§3.10).
  expect(event.recordedAt.toISOString()).toBe('2020-10-29T19:33:20.000Z');
});

test('structured ids become the same text (§3.11)', () => {
  const decoded = decodeReadResponse(
    encode(
      eventMessage({
        idValue: {
          $case: 'structured',
          value: { mostSignificantBits: 0x0011223344556677n, leastSignificantBits: -8603657889541918977n },
        },
      }),
    ),
  ) as RecordedEvent;
  expect(decoded.id).toBe('00112233-4455-6677-8899-aabbccddeeff');
});

test('upper-case string ids are normalised to lower case', () => {
  const decoded = decodeReadResponse(
    encode(eventMessage({ idValue: { $case: 'string', value: '00112233-4455-6677-8899-AABBCCDDEEFF' } })),
  ) as RecordedEvent;
  expect(decoded.id).toBe('00112233-4455-6677-8899-aabbccddeeff');
});

test.each([0n, 127n, 128n, 2n ** 49n - 1n, 2n ** 49n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 64n - 1n])(
  'positions are exact: %p',
  (value) => {
    const decoded = decodeReadResponse(
      encode(eventMessage({ revision: value, commit: value })),
    ) as RecordedEvent;
    expect(decoded.streamPosition).toBe(value);
    expect(decoded.commitPosition).toBe(value);
  },
);

test('names and types in UTF-8; other content types and unknown metadata keys', () => {
  const decoded = decodeReadResponse(
    encode(
      eventMessage({
        streamName: 'commandes-été-✓',
        metadata: { type: 'Créé', 'content-type': 'text/plain', created: '0', extra: 'ignored' },
      }),
    ),
  ) as RecordedEvent;
  expect(decoded).toMatchObject({ streamName: 'commandes-été-✓', type: 'Créé', contentType: 'text/plain' });
  expect(decoded.recordedAt.getTime()).toBe(0);
  const octets = decodeReadResponse(
    encode(
      eventMessage({ metadata: { type: 'T', 'content-type': 'application/octet-stream', created: '1' } }),
    ),
  ) as RecordedEvent;
  expect(octets.contentType).toBe('application/octet-stream');
});

test('stream_not_found names the stream', () => {
  const decoded = decodeReadResponse(
    encode({
      content: { $case: 'streamNotFound', value: { streamIdentifier: { streamName: Buffer.from('gone') } } },
    }),
  );
  expect(decoded).toEqual({ kind: 'stream-not-found', streamName: 'gone' });
});

test('subscription members: confirmation, checkpoint, caught_up', () => {
  expect(
    decodeReadResponse(encode({ content: { $case: 'confirmation', value: { subscriptionId: 'abc' } } })),
  ).toEqual({
    kind: 'confirmation',
    subscriptionId: 'abc',
  });
  expect(
    decodeReadResponse(
      encode({ content: { $case: 'checkpoint', value: { commitPosition: 2n ** 60n, preparePosition: 5n } } }),
    ),
  ).toEqual({ kind: 'checkpoint', commitPosition: 2n ** 60n, preparePosition: 5n });
  expect(
    decodeReadResponse(
      encode({ content: { $case: 'caughtUp', value: { timestamp: new Date(), streamRevision: 3n } } }),
    ),
  ).toEqual({ kind: 'caught-up' });
});

test('last_stream_position is kept, including 0; the others are ignored', () => {
  expect(decodeReadResponse(encode({ content: { $case: 'lastStreamPosition', value: 0n } }))).toEqual({
    kind: 'last-stream-position',
    position: 0n,
  });
  expect(decodeReadResponse(encode({ content: { $case: 'firstStreamPosition', value: 4n } }))).toEqual({
    kind: 'ignored',
  });
  expect(
    decodeReadResponse(
      encode({
        content: { $case: 'lastAllStreamPosition', value: { commitPosition: 1n, preparePosition: 1n } },
      }),
    ),
  ).toEqual({ kind: 'ignored' });
  expect(decodeReadResponse(encode({ content: { $case: 'fellBehind', value: {} } }))).toEqual({
    kind: 'ignored',
  });
  expect(decodeReadResponse(new Uint8Array())).toEqual({ kind: 'ignored' });
});

/** A RecordedEvent message of a `$>` link record at (`revision`, `position`) of `streamName`. */
function linkRecord(
  streamName: string,
  revision: bigint,
  position: bigint,
  data: string,
): DeepPartial<ReadResp_ReadEvent_RecordedEvent> {
  return {
    id: { value: { $case: 'string', value: 'ffeeddcc-bbaa-4988-8776-655443322110' } },
    streamIdentifier: { streamName: Buffer.from(streamName) },
    streamRevision: revision,
    preparePosition: position,
    commitPosition: position,
    metadata: { type: '$>', 'content-type': 'application/octet-stream', created: '16040000000000000' },
    customMetadata: Buffer.from('{"$causedBy":"x"}'),
    data: Buffer.from(data),
  };
}

test('a resolved link: the target is the event, the $> record its link (§3.7)', () => {
  const decoded = decodeReadResponse(
    encode(eventMessage({ commit: 4096n, link: linkRecord('$ce-orders', 3n, 9000n, '7@orders-1') })),
  ) as RecordedEvent;
  expect(decoded).toBeInstanceOf(RecordedEvent);
  expect(decoded).toMatchObject({
    id: '00112233-4455-6677-8899-aabbccddeeff',
    type: 'OrderCreated',
    streamName: 'orders-1',
    streamPosition: 7n,
    commitPosition: 4096n,
  });
  const link = decoded.link;
  expect(link).toBeInstanceOf(RecordedEvent);
  expect(link).toMatchObject({
    id: 'ffeeddcc-bbaa-4988-8776-655443322110',
    type: '$>',
    contentType: 'application/octet-stream',
    streamName: '$ce-orders',
    streamPosition: 3n,
    commitPosition: 9000n,
    link: undefined,
  });
  expect(Buffer.from(link?.data ?? []).toString()).toBe('7@orders-1');
  expect(Buffer.from(link?.metadata ?? []).toString()).toBe('{"$causedBy":"x"}');
  expect(link?.recordedAt.toISOString()).toBe('2020-10-29T19:33:20.000Z');
  expect([Object.isFrozen(decoded), Object.isFrozen(link)]).toEqual([true, true]);
});

test('an event read without a link has no link', () => {
  expect((decodeReadResponse(encode(eventMessage({}))) as RecordedEvent).link).toBeUndefined();
});

test('a link whose target is gone (no event) is returned itself, with no link', () => {
  const decoded = decodeReadResponse(
    encode({
      content: {
        $case: 'event',
        value: {
          link: linkRecord('links-1', 1n, 700n, '0@deleted-1'),
          position: { $case: 'commitPosition', value: 700n },
        },
      },
    }),
  );
  expect(decoded).toBeInstanceOf(RecordedEvent);
  const event = decoded as RecordedEvent;
  expect(event).toMatchObject({
    type: '$>',
    streamName: 'links-1',
    streamPosition: 1n,
    commitPosition: 700n,
  });
  expect(event.link).toBeUndefined();
  expect(Buffer.from(event.data).toString()).toBe('0@deleted-1');
});

test('an event message with neither event nor link is ignored', () => {
  const decoded = decodeReadResponse(
    encode({ content: { $case: 'event', value: { position: { $case: 'noPosition', value: {} } } } }),
  );
  expect(decoded).toEqual({ kind: 'ignored' });
});

test('fields it does not know are skipped', () => {
  // ReadResp with field 15 (varint 1), then field 4 stream_not_found, then field 14 (fixed64).
  const bytes = Buffer.concat([
    Buffer.from([0x78, 0x01]),
    encode({
      content: { $case: 'streamNotFound', value: { streamIdentifier: { streamName: Buffer.from('s') } } },
    }),
    Buffer.from([0x71, 1, 2, 3, 4, 5, 6, 7, 8]),
  ]);
  expect(decodeReadResponse(bytes)).toEqual({ kind: 'stream-not-found', streamName: 's' });
});

test('truncated messages are rejected', () => {
  const bytes = encode(eventMessage({}));
  expect(() => decodeReadResponse(bytes.subarray(0, bytes.length - 3))).toThrow(RangeError);
});
