/**
 * JSON as the server's `Json.ToJson` helper writes it with Newtonsoft (EventStore.Common/Utils/Json.cs):
 * indented by two spaces with LF line breaks (the server runs on Linux), properties in declaration order.
 * Callers leave out null and default values themselves, as the server's settings ignore them.
 */
export type JsonValue =
  string | number | bigint | boolean | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** `value` as indented Newtonsoft JSON; `indent` is the indentation of the line it starts on. */
export function toIndentedJson(value: JsonValue, indent = ''): string {
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const inner = `${indent}  `;
  if (isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + toIndentedJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const body = entries.map(([key, item]) => `${inner}${jsonString(key)}: ${toIndentedJson(item, inner)}`);
  return `{\n${body.join(',\n')}\n${indent}}`;
}

function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}

/** A JSON string as Newtonsoft writes it: it also escapes U+0085, U+2028 and U+2029, which JSON.stringify leaves alone. */
export function jsonString(text: string): string {
  return JSON.stringify(text).replace(/[\u0085\u2028\u2029]/g, (character) => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * A `DateTime.Now` as Newtonsoft writes it (ISO format, round-trip kind): local time with up to seven fraction
 * digits, trailing zeros dropped, then the local offset, e.g. `2024-11-26T12:34:56.789+00:00`.
 */
export function newtonsoftLocalTime(time: Date): string {
  const offsetMinutes = -time.getTimezoneOffset();
  const local = new Date(time.getTime() + offsetMinutes * 60_000);
  const iso = local.toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const offset = `${sign}${pad(Math.trunc(absolute / 60))}:${pad(absolute % 60)}`;
  return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}${offset}`;
}

function pad(value: number): string {
  return value.toString().padStart(2, '0');
}
