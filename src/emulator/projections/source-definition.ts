/**
 * A definition's `sourceDefinition` (§3.17.4): what the query declared, as the core reports it when it has
 * compiled the query (ProjectionCoreService.cs: `ProjectionSourceDefinition.From` of the handler's sources) and
 * the manager keeps it (ManagedProjectionStates/PreparingState.cs). Written with the definition's settings:
 * false, zero and null members are left out; the arrays and `options` always appear.
 */
import type { JsonValue } from '../persistent/dotnet-json.js';
import type { QueryDefinition } from './js-sandbox.js';

/** The members of Services/Processing/ProjectionSourceDefinition.cs, in their declaration order. */
export function sourceDefinitionJson(definition: QueryDefinition): JsonValue {
  const fields: Record<string, JsonValue> = {};
  if (definition.allEvents) fields.allEvents = true;
  if (definition.allStreams) fields.allStreams = true;
  if (definition.byStream) fields.byStream = true;
  if (definition.byCustomPartitions) fields.byCustomPartitions = true;
  fields.categories = definition.categories;
  fields.events = definition.events;
  fields.streams = definition.streams;
  fields.options = optionsJson(definition);
  return fields;
}

/**
 * A standard projection's: each reads every event of `$all` (Standard/*.cs `ConfigureSourceProcessingStrategy`);
 * those that index by stream or category also take links. `definesFold` is SourceDefinitionBuilder.cs's default.
 */
export function standardSourceDefinitionJson(includeLinks: boolean): JsonValue {
  const options: JsonValue = includeLinks ? { definesFold: true, includeLinks: true } : { definesFold: true };
  return { allEvents: true, allStreams: true, categories: [], events: [], streams: [], options };
}

/** QuerySourceOptions.cs, in its declaration order. */
function optionsJson(definition: QueryDefinition): JsonValue {
  const options: Record<string, JsonValue> = {};
  if (definition.resultStreamName !== null) options.resultStreamName = definition.resultStreamName;
  if (definition.partitionResultStreamNamePattern !== null) {
    options.partitionResultStreamNamePattern = definition.partitionResultStreamNamePattern;
  }
  if (definition.reorderEvents) options.reorderEvents = true;
  if (definition.processingLag !== 0) options.processingLag = definition.processingLag;
  if (definition.biState) options.isBiState = true;
  if (definition.definesStateTransform) options.definesStateTransform = true;
  if (definition.producesResults) options.producesResults = true;
  if (definition.definesFold) options.definesFold = true;
  if (definition.handlesDeletedNotifications) options.handlesDeletedNotifications = true;
  if (definition.includeLinks) options.includeLinks = true;
  return options;
}
