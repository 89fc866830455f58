/**
 * A projection's state or result as the server sends it (§3.17.1, ProjectionManagement.cs `GetProtoValue`): its
 * JSON text parsed into the value a `google.protobuf.Value` carries (the generated codec maps objects, arrays,
 * numbers, strings, booleans and null to their kinds); no text, or empty text, is an empty object.
 */
export function valueOfJson(json: string | undefined): unknown {
  if (json === undefined || json === '') return {};
  return JSON.parse(json) as unknown;
}
