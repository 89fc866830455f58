/**
 * Values the standard projections read from an event's JSON metadata, converted to text the way Newtonsoft's
 * `JToken.ToString()` / `Value<string>()` do (Services/Processing/Checkpointing/CheckpointTagExtensions.cs
 * `ParseCheckpointTagCorrelationId`; Standard/ByCorrelationId.cs). 24.10 sources.
 */

/** The top-level properties of metadata that is a JSON object; undefined for anything else. */
export function metadataObject(metadata: string | undefined): Record<string, unknown> | undefined {
  if (metadata === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(metadata);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    return parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * A scalar as .NET turns it into a string: text as it is, numbers in invariant culture, booleans `True` or
 * `False`. Null, objects and arrays give undefined (the server has no text for null, and faults the projection
 * on a structured value where it needs a string).
 */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return undefined;
}

/**
 * The `$correlationId` an emitted event carries on: the processed event's own, read only when that event is
 * JSON. A structured value is written back as indented JSON, as `JToken.ToString()` does.
 */
export function correlationIdToCarry(isJson: boolean, metadata: string | undefined): string | undefined {
  if (!isJson) return undefined;
  const value = metadataObject(metadata)?.$correlationId;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value, null, 2);
  return scalarText(value);
}
