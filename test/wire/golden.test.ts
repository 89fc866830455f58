// Golden wire tests: each byte sequence below was put together by hand from the field numbers and wire types in
// docs/protocol.md §2 (tag = field number << 3 | wire type; 0 = varint, 2 = length-delimited).
// The generated codec must write exactly these bytes and read them back into the same message, so a wrong
// field number, wire type, oneof or presence rule in proto/ makes a test here fail.
import { ClusterInfo, MemberInfo_VNodeState } from '../../src/generated/gossip.js';
import {
  CreateReq as PersistentCreateReq,
  ReadResp as PersistentReadResp,
} from '../../src/generated/persistent.js';
import { Code } from '../../src/generated/code.js';
import { StreamDeleted } from '../../src/generated/shared.js';
import {
  AppendReq,
  AppendResp,
  BatchAppendResp,
  ReadReq,
  ReadReq_Options_ReadDirection,
  ReadReq_Options_StreamOptions,
  ReadResp,
} from '../../src/generated/streams.js';
import { bytes, hex, text, toHex } from '../support/bytes.js';

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial(object: object): T;
}

function expectWire<T>(codec: Codec<T>, partial: object, golden: Uint8Array): void {
  const message = codec.fromPartial(partial);
  expect(toHex(codec.encode(message).finish())).toBe(toHex(golden));
  expect(codec.decode(golden)).toEqual(message);
}

const EVENT_ID = '8f2e0c4a-1b3d-4e5f-9a6b-7c8d9e0f1a2b';
const STREAM = 'orders-1';
const streamIdentifier = { streamName: new TextEncoder().encode(STREAM) };
// StreamIdentifier { stream_name (3, bytes) = "orders-1" }: 10 bytes.
const streamIdentifierBytes = [hex('1a 08'), text(STREAM)];
// UUID { string (2) = EVENT_ID }: 38 bytes.
const stringUuidBytes = [hex('12 24'), text(EVENT_ID)];

describe('event_store.client.streams wire format', () => {
  test('AppendReq with options: stream identifier and no_stream', () => {
    expectWire(
      AppendReq,
      {
        content: {
          $case: 'options',
          value: { streamIdentifier, expectedStreamRevision: { $case: 'noStream', value: {} } },
        },
      },
      bytes(hex('0a 0e'), hex('0a 0a'), ...streamIdentifierBytes, hex('1a 00')),
    );
  });

  test('AppendReq with options: expected revision 0 is on the wire (oneof presence)', () => {
    expectWire(
      AppendReq,
      {
        content: {
          $case: 'options',
          value: { streamIdentifier, expectedStreamRevision: { $case: 'revision', value: 0n } },
        },
      },
      bytes(hex('0a 0e'), hex('0a 0a'), ...streamIdentifierBytes, hex('10 00')),
    );
  });

  test('AppendReq with a proposed message', () => {
    expectWire(
      AppendReq,
      {
        content: {
          $case: 'proposedMessage',
          value: {
            id: { value: { $case: 'string', value: EVENT_ID } },
            metadata: { type: 'OrderPlaced', 'content-type': 'application/json' },
            customMetadata: new TextEncoder().encode('{}'),
            data: new TextEncoder().encode('{"n":1}'),
          },
        },
      },
      bytes(
        hex('12 6c'), // proposed_message (2), 108 bytes
        hex('0a 26'),
        ...stringUuidBytes, // id (1)
        hex('12 13'),
        hex('0a 04'),
        text('type'),
        hex('12 0b'),
        text('OrderPlaced'), // metadata (2) entry
        hex('12 20'),
        hex('0a 0c'),
        text('content-type'),
        hex('12 10'),
        text('application/json'), // metadata entry
        hex('1a 02'),
        text('{}'), // custom_metadata (3)
        hex('22 07'),
        text('{"n":1}'), // data (4)
      ),
    );
  });

  test('AppendResp success with current revision 0 and a position', () => {
    expectWire(
      AppendResp,
      {
        result: {
          $case: 'success',
          value: {
            currentRevisionOption: { $case: 'currentRevision', value: 0n },
            positionOption: { $case: 'position', value: { commitPosition: 1234n, preparePosition: 1234n } },
          },
        },
      },
      // 1234 is the varint d2 09.
      bytes(hex('0a 0a'), hex('08 00'), hex('1a 06 08 d2 09 10 d2 09')),
    );
  });

  test('AppendResp wrong_expected_version fills the legacy and the current oneofs', () => {
    expectWire(
      AppendResp,
      {
        result: {
          $case: 'wrongExpectedVersion',
          value: {
            currentRevisionOption2060: { $case: 'currentRevision2060', value: 1n },
            expectedRevisionOption2060: { $case: 'expectedRevision2060', value: 18446744073709551615n },
            currentRevisionOption: { $case: 'currentRevision', value: 1n },
            expectedRevisionOption: { $case: 'expectedNoStream', value: {} },
          },
        },
      },
      bytes(
        hex('12 11'), // wrong_expected_version (2), 17 bytes
        hex('08 01'), // current_revision_20_6_0 (1)
        hex('18 ff ff ff ff ff ff ff ff ff 01'), // expected_revision_20_6_0 (3) = 2^64 - 1
        hex('30 01'), // current_revision (6)
        hex('5a 00'), // expected_no_stream (11)
      ),
    );
  });

  test('ReadReq for $all backwards from a position with an event-type filter and string UUIDs', () => {
    expectWire(
      ReadReq,
      {
        options: {
          streamOption: {
            $case: 'all',
            value: {
              allOption: { $case: 'position', value: { commitPosition: 1234n, preparePosition: 1234n } },
            },
          },
          readDirection: ReadReq_Options_ReadDirection.Backwards,
          countOption: { $case: 'count', value: 10n },
          filterOption: {
            $case: 'filter',
            value: {
              filter: { $case: 'eventType', value: { regex: '^Order', prefix: [] } },
              window: { $case: 'max', value: 32 },
              checkpointIntervalMultiplier: 1,
            },
          },
          uuidOption: { content: { $case: 'string', value: {} } },
        },
      },
      bytes(
        hex('0a 22'), // options (1), 34 bytes
        hex('12 08 0a 06 08 d2 09 10 d2 09'), // all (2) { position (1) { commit (1), prepare (2) } }
        hex('18 01'), // read_direction (3) = Backwards
        hex('28 0a'), // count (5) = 10
        hex('3a 0e'),
        hex('12 08 0a 06'),
        text('^Order'),
        hex('18 20 28 01'), // filter (7) { event_type, max, multiplier }
        hex('4a 02 12 00'), // uuid_option (9) { string (2) }
      ),
    );
  });

  test('StreamOptions: the last member of a oneof on the wire wins (revision then start)', () => {
    const decoded = ReadReq_Options_StreamOptions.decode(
      bytes(hex('0a 0a'), ...streamIdentifierBytes, hex('10 05'), hex('1a 00')),
    );
    expect(decoded.revisionOption).toEqual({ $case: 'start', value: {} });
  });

  test('ReadResp with an event', () => {
    expectWire(
      ReadResp,
      {
        content: {
          $case: 'event',
          value: {
            event: {
              id: { value: { $case: 'string', value: EVENT_ID } },
              streamIdentifier,
              streamRevision: 5n,
              preparePosition: 1234n,
              commitPosition: 1234n,
              metadata: { type: 'OrderPlaced' },
              data: new TextEncoder().encode('{"n":1}'),
            },
            position: { $case: 'commitPosition', value: 1234n },
          },
        },
      },
      bytes(
        hex('0a 5f'), // event (1), 95 bytes
        hex('0a 5a'), // ReadEvent.event (1), 90 bytes
        hex('0a 26'),
        ...stringUuidBytes, // id (1)
        hex('12 0a'),
        ...streamIdentifierBytes, // stream_identifier (2)
        hex('18 05 20 d2 09 28 d2 09'), // stream_revision (3), prepare_position (4), commit_position (5)
        hex('32 13 0a 04'),
        text('type'),
        hex('12 0b'),
        text('OrderPlaced'), // metadata (6) entry
        hex('42 07'),
        text('{"n":1}'), // data (8)
        hex('18 d2 09'), // ReadEvent.commit_position (3)
      ),
    );
  });

  test('ReadResp caught_up with stream revision 0 (proto3 optional presence) and a timestamp', () => {
    expectWire(
      ReadResp,
      { content: { $case: 'caughtUp', value: { timestamp: new Date(1500), streamRevision: 0n } } },
      // timestamp (1) { seconds (1) = 1, nanos (2) = 500000000 }, stream_revision (2) = 0
      bytes(hex('42 0c'), hex('0a 08 08 01 10 80 ca b5 ee 01'), hex('10 00')),
    );
  });

  test('BatchAppendResp error carries a google.rpc.Status with a single Any detail', () => {
    const streamDeleted = StreamDeleted.encode(StreamDeleted.fromPartial({ streamIdentifier })).finish();
    const typeUrl = 'type.googleapis.com/event_store.client.StreamDeleted';
    expectWire(
      BatchAppendResp,
      {
        correlationId: { value: { $case: 'string', value: EVENT_ID } },
        result: {
          $case: 'error',
          value: {
            code: Code.NOT_FOUND,
            message: 'StreamDeleted',
            details: { typeUrl, value: streamDeleted },
          },
        },
        streamIdentifier,
      },
      bytes(
        hex('0a 26'),
        ...stringUuidBytes, // correlation_id (1)
        hex('12 57'), // error (2), 87 bytes
        hex('08 05'), // code (1) = NOT_FOUND
        hex('12 0d'),
        text('StreamDeleted'), // message (2)
        hex('1a 44'),
        hex('0a 34'),
        text(typeUrl), // details (3) { type_url (1)
        hex('12 0c 0a 0a'),
        ...streamIdentifierBytes, //   value (2) = StreamDeleted { stream_identifier (1) } }
        hex('22 0a'),
        ...streamIdentifierBytes, // stream_identifier (4)
      ),
    );
  });
});

describe('event_store.client.persistent_subscriptions wire format', () => {
  test('ReadResp event always carries retry_count, even 0', () => {
    expectWire(
      PersistentReadResp,
      {
        content: {
          $case: 'event',
          value: {
            event: {
              id: { value: { $case: 'string', value: EVENT_ID } },
              streamIdentifier,
              streamRevision: 5n,
              preparePosition: 1234n,
              commitPosition: 1234n,
              metadata: { type: 'OrderPlaced' },
              data: new TextEncoder().encode('{"n":1}'),
            },
            position: { $case: 'commitPosition', value: 1234n },
            count: { $case: 'retryCount', value: 0 },
          },
        },
      },
      bytes(
        hex('0a 61'), // event (1), 97 bytes
        hex('0a 5a'), // ReadEvent.event (1), 90 bytes
        hex('0a 26'),
        ...stringUuidBytes,
        hex('12 0a'),
        ...streamIdentifierBytes,
        hex('18 05 20 d2 09 28 d2 09'),
        hex('32 13 0a 04'),
        text('type'),
        hex('12 0b'),
        text('OrderPlaced'),
        hex('42 07'),
        text('{"n":1}'),
        hex('18 d2 09'), // commit_position (3)
        hex('28 00'), // retry_count (5) = 0
      ),
    );
  });

  test('ReadResp subscription_confirmation is field 2', () => {
    expectWire(
      PersistentReadResp,
      { content: { $case: 'subscriptionConfirmation', value: { subscriptionId: 'orders-1::g1' } } },
      bytes(hex('12 0e 0a 0c'), text('orders-1::g1')),
    );
  });

  test('CreateReq in the legacy shape the official Node client sends', () => {
    expectWire(
      PersistentCreateReq,
      {
        options: {
          streamIdentifier,
          groupName: 'g1',
          settings: {
            resolveLinks: true,
            maxRetryCount: 10,
            messageTimeout: { $case: 'messageTimeoutMs', value: 30000 },
            consumerStrategy: 'RoundRobin',
          },
        },
      },
      bytes(
        hex('0a 27'), // options (1), 39 bytes
        hex('0a 0a'),
        ...streamIdentifierBytes, // stream_identifier (1)
        hex('12 02'),
        text('g1'), // group_name (2)
        hex('1a 15'), // settings (3), 21 bytes
        hex('08 01 28 0a'), // resolve_links (1), max_retry_count (5) = 10
        hex('70 b0 ea 01'), // message_timeout_ms (14) = 30000
        hex('82 01 0a'),
        text('RoundRobin'), // consumer_strategy (16)
      ),
    );
  });
});

describe('event_store.client.gossip wire format', () => {
  test('ClusterInfo with one leader member and a structured instance id', () => {
    expectWire(
      ClusterInfo,
      {
        members: [
          {
            instanceId: {
              value: { $case: 'structured', value: { mostSignificantBits: -1n, leastSignificantBits: 1n } },
            },
            timeStamp: 1234n,
            state: MemberInfo_VNodeState.Leader,
            isAlive: true,
            httpEndPoint: { address: '127.0.0.1', port: 2113 },
          },
        ],
      },
      bytes(
        hex('0a 28'), // members (1), 40 bytes
        hex('0a 0f 0a 0d'), // instance_id (1) { structured (1) {
        hex('08 ff ff ff ff ff ff ff ff ff 01 10 01'), //   most = -1 (ten-byte varint), least = 1 } }
        hex('10 d2 09 18 08 20 01'), // time_stamp (2), state (3) = Leader, is_alive (4)
        hex('2a 0e 0a 09'),
        text('127.0.0.1'),
        hex('10 c1 10'), // http_end_point (5) { address, port 2113 }
      ),
    );
  });
});
