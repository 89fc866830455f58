// The hand-written encoder of event responses must write exactly what the generated codec writes for the same
// message (§2.4, §2.5, §3.7, §3.10, §3.14), for both services and both UUID forms.
import { ReadResp as PersistentReadResp } from '../../src/generated/persistent.js';
import { ReadResp } from '../../src/generated/streams.js';
import type { StoredEvent } from '../../src/emulator/store/stored-event.js';
import { encodeReadEventResponse } from '../../src/emulator/wire/read-event-encoding.js';
import type { UUID } from '../../src/generated/shared.js';
import { textToStructuredUuid, type UuidForm } from '../../src/emulator/wire/uuid.js';

/** An id as a read asked for it: text, or the two structured halves. */
function uuidInForm(text: string, form: UuidForm): UUID {
  return form === 'string' ? { value: { $case: 'string', value: text } } : textToStructuredUuid(text);
}

function stored(overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    position: 1234n,
    endPosition: 1400n,
    streamName: 'orders-ü-1',
    eventNumber: 5n,
    eventId: '8f2e0c4a-1b3d-4e5f-9a6b-7c8d9e0f1a2b',
    eventType: 'OrderPlaced',
    isJson: true,
    data: new TextEncoder().encode('{"n":1}'),
    metadata: new TextEncoder().encode('{"m":2}'),
    created: '17000000001230000',
    createdMs: 1_700_000_000_123,
    ...overrides,
  };
}

/** The RecordedEvent the facts describe, built as a plain object for the generated codec. */
function recorded(record: StoredEvent, form: UuidForm, position: bigint = record.position) {
  return {
    id: uuidInForm(record.eventId, form),
    streamIdentifier: { streamName: new TextEncoder().encode(record.streamName) },
    streamRevision: record.eventNumber,
    preparePosition: position,
    commitPosition: position,
    metadata: {
      type: record.eventType,
      created: record.created,
      'content-type': record.isJson ? 'application/json' : 'application/octet-stream',
    },
    customMetadata: record.metadata,
    data: record.data,
  };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe.each<UuidForm>(['string', 'structured'])('ids in the %s form', (form) => {
  test('a plain event', () => {
    const event = stored();
    const expected = ReadResp.encode(
      ReadResp.fromPartial({
        content: {
          $case: 'event',
          value: {
            event: recorded(event, form),
            position: { $case: 'commitPosition', value: event.position },
          },
        },
      }),
    ).finish();
    expect(
      hex(encodeReadEventResponse({ event, link: undefined, commitPosition: event.position }, form)),
    ).toBe(hex(expected));
  });

  test('defaults left out: event number 0, position 0, empty data and metadata, a non-JSON event', () => {
    const event = stored({
      eventNumber: 0n,
      position: 0n,
      data: new Uint8Array(0),
      metadata: new Uint8Array(0),
      isJson: false,
    });
    const expected = ReadResp.encode(
      ReadResp.fromPartial({
        content: {
          $case: 'event',
          value: { event: recorded(event, form), position: { $case: 'commitPosition', value: 0n } },
        },
      }),
    ).finish();
    expect(hex(encodeReadEventResponse({ event, link: undefined, commitPosition: 0n }, form))).toBe(
      hex(expected),
    );
  });

  test('a resolved link, a tombstone number, and an unresolved link with no_position', () => {
    const target = stored({
      eventNumber: 9223372036854775807n,
      eventId: '00112233-4455-6677-8899-aabbccddeeff',
    });
    const link = stored({ streamName: '$ce-orders', eventType: '$>', position: 9000n, eventNumber: 0n });
    const resolved = ReadResp.encode(
      ReadResp.fromPartial({
        content: {
          $case: 'event',
          value: {
            event: recorded(target, form),
            link: recorded(link, form),
            position: { $case: 'commitPosition', value: 9000n },
          },
        },
      }),
    ).finish();
    expect(hex(encodeReadEventResponse({ event: target, link, commitPosition: 9000n }, form))).toBe(
      hex(resolved),
    );
    const unresolved = ReadResp.encode(
      ReadResp.fromPartial({
        content: {
          $case: 'event',
          value: { link: recorded(link, form), position: { $case: 'noPosition', value: {} } },
        },
      }),
    ).finish();
    expect(hex(encodeReadEventResponse({ event: undefined, link, commitPosition: undefined }, form))).toBe(
      hex(unresolved),
    );
  });

  test('a persistent delivery: original positions in both records and retry_count 0 written', () => {
    const target = stored();
    const link = stored({ streamName: '$ce-orders', eventType: '$>', position: 9000n });
    const expected = PersistentReadResp.encode(
      PersistentReadResp.fromPartial({
        content: {
          $case: 'event',
          value: {
            event: recorded(target, form, 9000n),
            link: recorded(link, form, 9000n),
            position: { $case: 'commitPosition', value: 9000n },
            count: { $case: 'retryCount', value: 0 },
          },
        },
      }),
    ).finish();
    const actual = encodeReadEventResponse(
      { event: target, link, commitPosition: 9000n, recordedPositions: 9000n, retryCount: 0 },
      form,
    );
    expect(hex(actual)).toBe(hex(expected));
  });
});
