/** Argument checks of the projection methods (see checks.ts for the conventions). */

/** A non-empty projection name: the server's manager refuses an empty one (§3.17.1). */
export function checkProjectionName(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new TypeError(`${where} must be a string`);
  if (value === '') throw new TypeError(`${where} must not be empty`);
  return value;
}

/** A projection's JavaScript source: a non-empty string (the server compiles it, the client does not). */
export function checkProjectionQuery(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new TypeError(`${where} must be a string`);
  if (value.trim() === '') throw new TypeError(`${where} must not be empty`);
  return value;
}

/** A partition key; undefined is the projection's unpartitioned state (`''`). */
export function checkPartition(value: unknown, where: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new TypeError(`${where} must be a string`);
  return value;
}
