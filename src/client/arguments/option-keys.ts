/**
 * Rejects option keys a method does not know, so that a misspelt option (`backward: true`) fails loudly before
 * anything is sent instead of being silently ignored.
 */
export function checkOptionKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${where}: unknown option '${key}'; known options: ${known.join(', ')}`);
    }
  }
}

/**
 * The options object of a method: `undefined` stands for `{}` when every option is optional; anything else must
 * be an object with known keys only.
 */
export function optionsObject<T extends object>(
  options: T | undefined,
  known: readonly string[],
  where: string,
  required: boolean,
): Partial<T> {
  // Callers in plain JavaScript can pass anything: check the value, not its declared type.
  const value: unknown = options;
  if (value === undefined && !required) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where}: the options must be an object`);
  }
  checkOptionKeys(value, known, where);
  return value;
}
