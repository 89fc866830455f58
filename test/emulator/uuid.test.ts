// UUID forms on the wire (docs/protocol.md §3.11).
import { textToStructuredUuid, uuidToText } from '../../src/emulator/wire/uuid.js';

test('the structured form splits the RFC 4122 bytes into two big-endian signed int64s', () => {
  expect(textToStructuredUuid('00112233-4455-6677-8899-aabbccddeeff')).toEqual({
    value: {
      $case: 'structured',
      value: { mostSignificantBits: 0x0011223344556677n, leastSignificantBits: -8603657889541918977n },
    },
  });
});

test('both forms read back to lower-case hyphenated text', () => {
  const text = '00112233-4455-6677-8899-aabbccddeeff';
  expect(uuidToText(textToStructuredUuid(text))).toBe(text);
  expect(uuidToText({ value: { $case: 'string', value: text.toUpperCase() } })).toBe(text);
});

test('text in the other shapes .NET Guid.Parse accepts is read too', () => {
  const text = '00112233-4455-6677-8899-aabbccddeeff';
  expect(uuidToText({ value: { $case: 'string', value: `{${text}}` } })).toBe(text);
  expect(uuidToText({ value: { $case: 'string', value: text.replace(/-/g, '') } })).toBe(text);
});

test('anything else is not a UUID', () => {
  for (const bad of ['', 'not-a-uuid', '00112233-4455-6677-8899-aabbccddeeffaa', '0011223344556677']) {
    expect(uuidToText({ value: { $case: 'string', value: bad } })).toBeUndefined();
  }
  expect(uuidToText(undefined)).toBeUndefined();
  expect(uuidToText({ value: undefined })).toBeUndefined();
});
