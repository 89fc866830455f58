import type { UUID } from '../../generated/shared.js';
import { dotnetExceptions } from '../server/dotnet-exception.js';
import { uuidToText } from './uuid.js';

/** .NET's `Guid.Parse` failure texts (System.Private.CoreLib Guid.cs and its resource strings). */
const GUID_UNRECOGNIZED = 'Unrecognized Guid format.';
const GUID_INVALID_LENGTH =
  'Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).';
const GUID_DASHES = 'Dashes are in the wrong position for GUID parsing.';
const GUID_INVALID_CHAR = 'Guid string should only contain hexadecimal characters.';

const HEX = /^[0-9a-fA-F]*$/;

/**
 * A UUID message read the way the server's `Uuid.FromDto(dto).ToGuid()` reads it (Transport/Grpc/Uuid.cs):
 * a missing message, an unset oneof and a string `Guid.Parse` refuses all throw, with .NET's texts. Returns the
 * lower-case hyphenated text, so the string and structured forms of one id compare equal.
 */
export function guidFromDto(uuid: UUID | undefined): string {
  if (uuid === undefined) throw dotnetExceptions.argumentNull('dto');
  const value = uuid.value;
  if (value === undefined) throw dotnetExceptions.argument('Invalid argument: None', 'dto');
  if (value.$case === 'string') checkGuidText(value.value);
  const text = uuidToText(uuid);
  // Only .NET's rarely used `{0x…,0x…,…}` form gets here unparsed; it is not supported.
  if (text === undefined) throw dotnetExceptions.format(GUID_UNRECOGNIZED);
  return text;
}

/** Throws what .NET 8's `Guid.Parse` throws for text it cannot read, choosing the format by shape as it does. */
function checkGuidText(input: string): void {
  const text = input.trim();
  if (text.length < 32) throw dotnetExceptions.format(GUID_UNRECOGNIZED);
  const first = text[0];
  if (first === '(' || (first === '{' && text[9] === '-')) {
    const closing = first === '(' ? ')' : '}';
    if (text.length !== 38 || text[37] !== closing) throw dotnetExceptions.format(GUID_INVALID_LENGTH);
    checkHyphenated(text.slice(1, 37));
  } else if (first === '{') {
    return;
  } else if (text[8] === '-') {
    checkHyphenated(text);
  } else {
    if (text.length !== 32) throw dotnetExceptions.format(GUID_INVALID_LENGTH);
    if (!HEX.test(text)) throw dotnetExceptions.format(GUID_INVALID_CHAR);
  }
}

function checkHyphenated(text: string): void {
  const dashesInPlace = [8, 13, 18, 23].every((index) => text[index] === '-');
  if (text.length !== 36) throw dotnetExceptions.format(GUID_INVALID_LENGTH);
  if (!dashesInPlace) throw dotnetExceptions.format(GUID_DASHES);
  const digits =
    text.slice(0, 8) + text.slice(9, 13) + text.slice(14, 18) + text.slice(19, 23) + text.slice(24);
  if (!HEX.test(digits)) throw dotnetExceptions.format(GUID_INVALID_CHAR);
}
