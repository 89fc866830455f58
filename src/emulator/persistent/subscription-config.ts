import { randomUUID } from 'node:crypto';
import type { EventStore } from '../store/event-store.js';
import { METADATA_EVENT_TYPE, metastreamOf } from '../store/stored-event.js';
import { newtonsoftLocalTime, toIndentedJson, type JsonValue } from './dotnet-json.js';
import type { FilterDescription } from './event-filter.js';

/** Where the server keeps the definitions of all groups (SystemNames.cs `PersistentSubscriptionConfig`). */
const CONFIG_STREAM = '$persistentSubscriptionConfig';

/** The event type of a configuration snapshot, as the 24.10 server writes it. */
const CONFIG_EVENT_TYPE = '$PersistentConfig';

/** One group in the configuration (server: PersistentSubscriptionConfig.cs `PersistentSubscriptionEntry`). */
export interface ConfigEntry {
  /** The stream name, or `$all`. */
  readonly stream: string;
  readonly group: string;
  readonly filter: FilterDescription | undefined;
  readonly resolveLinkTos: boolean;
  readonly extraStatistics: boolean;
  readonly messageTimeout: number;
  /** The obsolete numeric start: the event number for streams, long.MinValue for `$all`. */
  readonly startFrom: bigint;
  /** The start position as text (`positionText`). */
  readonly startPosition: string | undefined;
  readonly liveBufferSize: number;
  readonly historyBufferSize: number;
  readonly maxRetryCount: number;
  readonly readBatchSize: number;
  readonly preferRoundRobin: boolean;
  readonly checkPointAfter: number;
  readonly minCheckPointCount: number;
  readonly maxCheckPointCount: number;
  readonly maxSubscriberCount: number;
  readonly namedConsumerStrategy: string;
}

/**
 * The configuration the server writes after every Create, Update and Delete and reads when the subsystem starts
 * (PersistentSubscriptionService.cs SaveConfiguration / LoadConfiguration): a JSON `$PersistentConfig` event in
 * `$persistentSubscriptionConfig`, whose metadata gets `$maxCount` 2 the first time the stream is written.
 */
export class SubscriptionConfig {
  private entryList: ConfigEntry[] = [];
  private updated: Date | undefined;
  private updatedBy: string | undefined;

  constructor(private readonly store: EventStore) {}

  get entries(): readonly ConfigEntry[] {
    return this.entryList;
  }

  /** Reads the latest snapshot; a missing or unreadable stream leaves an empty configuration. */
  load(): void {
    this.entryList = [];
    this.updated = undefined;
    this.updatedBy = undefined;
    const view = this.store.readStream(CONFIG_STREAM);
    if (view.kind !== 'found') return;
    const last = view.events[view.lastEventNumber];
    if (last === undefined || view.lastEventNumber < view.firstVisible) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(last.data).toString('utf8'));
    } catch {
      return;
    }
    const document = caseInsensitive(parsed);
    if (document === undefined) return;
    const entries = document.get('entries');
    if (!Array.isArray(entries)) return;
    this.entryList = entries.flatMap((item) => {
      const entry = entryFrom(item);
      return entry === undefined ? [] : [entry];
    });
  }

  /** Adds or replaces the entry of (stream, group) (`UpdateSubscriptionConfig`). */
  put(username: string | undefined, entry: ConfigEntry): void {
    this.touch(username);
    const index = this.findLastIndex(entry.stream, entry.group);
    if (index < 0) this.entryList.push(entry);
    else this.entryList[index] = entry;
  }

  remove(username: string | undefined, stream: string, group: string): void {
    this.touch(username);
    const index = this.findLastIndex(stream, group);
    if (index >= 0) this.entryList.splice(index, 1);
  }

  /** Writes the whole configuration as a new snapshot (`SaveConfiguration`). */
  save(): void {
    const view = this.store.readStream(CONFIG_STREAM);
    const hasEvents = view.kind === 'found' && view.lastEventNumber >= view.firstVisible;
    if (!hasEvents && view.kind !== 'deleted') {
      this.store.append(metastreamOf(CONFIG_STREAM), { kind: 'any' }, [
        {
          eventId: randomUUID(),
          eventType: METADATA_EVENT_TYPE,
          isJson: true,
          data: new TextEncoder().encode('{"$maxCount":2}'),
          metadata: new Uint8Array(0),
        },
      ]);
    }
    this.store.append(CONFIG_STREAM, { kind: 'any' }, [
      {
        eventId: randomUUID(),
        eventType: CONFIG_EVENT_TYPE,
        isJson: true,
        data: new TextEncoder().encode(this.serialized()),
        metadata: new Uint8Array(0),
      },
    ]);
  }

  private touch(username: string | undefined): void {
    this.updated = new Date();
    this.updatedBy = username;
  }

  private findLastIndex(stream: string, group: string): number {
    for (let index = this.entryList.length - 1; index >= 0; index -= 1) {
      const entry = this.entryList[index];
      if (entry?.stream === stream && entry.group === group) return index;
    }
    return -1;
  }

  /**
   * Newtonsoft with the server's settings: camelCase names, fields before properties in declaration order,
   * null and default values left out (EventStore.Common/Utils/Json.cs).
   */
  private serialized(): string {
    const document: Record<string, JsonValue> = { version: '2' };
    if (this.updated !== undefined) document.updated = newtonsoftLocalTime(this.updated);
    if (this.updatedBy !== undefined) document.updatedBy = this.updatedBy;
    document.entries = this.entryList.map(entryJson);
    return toIndentedJson(document);
  }
}

function entryJson(entry: ConfigEntry): JsonValue {
  const json: Record<string, JsonValue> = { stream: entry.stream, group: entry.group };
  if (entry.filter !== undefined) {
    json.filter = {
      context: entry.filter.context,
      type: entry.filter.type,
      data: entry.filter.data,
      ...(entry.filter.isAllStream ? { isAllStream: true } : {}),
    };
  }
  const optional: [string, number | bigint | boolean | string | undefined][] = [
    ['resolveLinkTos', entry.resolveLinkTos],
    ['extraStatistics', entry.extraStatistics],
    ['messageTimeout', entry.messageTimeout],
    ['startFrom', entry.startFrom],
    ['startPosition', entry.startPosition],
    ['liveBufferSize', entry.liveBufferSize],
    ['historyBufferSize', entry.historyBufferSize],
    ['maxRetryCount', entry.maxRetryCount],
    ['readBatchSize', entry.readBatchSize],
    ['preferRoundRobin', entry.preferRoundRobin],
    ['checkPointAfter', entry.checkPointAfter],
    ['minCheckPointCount', entry.minCheckPointCount],
    ['maxCheckPointCount', entry.maxCheckPointCount],
    ['maxSubscriberCount', entry.maxSubscriberCount],
    ['namedConsumerStrategy', entry.namedConsumerStrategy],
  ];
  for (const [name, value] of optional) {
    if (value === undefined || value === false || value === 0 || value === 0n) continue;
    json[name] = value;
  }
  return json;
}

/** Newtonsoft matches property names regardless of case when it reads. */
function caseInsensitive(value: unknown): Map<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return new Map(Object.entries(value).map(([key, item]) => [key.toLowerCase(), item]));
}

function entryFrom(value: unknown): ConfigEntry | undefined {
  const fields = caseInsensitive(value);
  if (fields === undefined) return undefined;
  const text = (name: string) => {
    const item = fields.get(name.toLowerCase());
    return typeof item === 'string' ? item : undefined;
  };
  const number = (name: string) => {
    const item = fields.get(name.toLowerCase());
    return typeof item === 'number' ? Math.trunc(item) : 0;
  };
  const flag = (name: string) => fields.get(name.toLowerCase()) === true;
  const stream = text('stream');
  const group = text('group');
  if (stream === undefined || group === undefined) return undefined;
  const filterFields = caseInsensitive(fields.get('filter'));
  const filter: FilterDescription | undefined =
    filterFields === undefined
      ? undefined
      : {
          context: filterFields.get('context') === 'eventtype' ? 'eventtype' : 'streamid',
          type: filterFields.get('type') === 'prefix' ? 'prefix' : 'regex',
          data: typeof filterFields.get('data') === 'string' ? String(filterFields.get('data')) : '',
          isAllStream: filterFields.get('isallstream') === true,
        };
  return {
    stream,
    group,
    filter,
    resolveLinkTos: flag('resolveLinkTos'),
    extraStatistics: flag('extraStatistics'),
    messageTimeout: number('messageTimeout'),
    startFrom: BigInt(number('startFrom')),
    startPosition: text('startPosition'),
    liveBufferSize: number('liveBufferSize'),
    historyBufferSize: number('historyBufferSize'),
    maxRetryCount: number('maxRetryCount'),
    readBatchSize: number('readBatchSize'),
    preferRoundRobin: flag('preferRoundRobin'),
    checkPointAfter: number('checkPointAfter'),
    minCheckPointCount: number('minCheckPointCount'),
    maxCheckPointCount: number('maxCheckPointCount'),
    maxSubscriberCount: number('maxSubscriberCount'),
    namedConsumerStrategy: text('namedConsumerStrategy') ?? '',
  };
}
