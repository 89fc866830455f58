/**
 * A new event to append: its type, its data and metadata bytes, its id and the content type of its data.
 */
import { randomUUID } from 'node:crypto';
import { checkJsonText } from '../arguments/checks.js';
import { isUuidText } from '../wire/uuid.js';

/**
 * The default content type of new events. The seed client wrote event data as opaque bytes ("writing JSON
 * event data to EventStoreDB isn't supported") and its examples append bytes such as `data1` that are not JSON.
 * The server flags an event as JSON only for exactly `application/json` (§3.10), and the official clients parse
 * the data of JSON-flagged events; so opaque bytes must not claim to be JSON. Pass
 * `contentType: 'application/json'` for JSON data.
 */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** What {@link NewEvent} is made from. */
export interface NewEventOptions {
  /** The event type, e.g. `OrderCreated`; must not be empty. */
  readonly type: string;
  /** The event's data. */
  readonly data: Uint8Array;
  /** The event's metadata bytes (the server stores them unchanged). Default: empty. */
  readonly metadata?: Uint8Array | undefined;
  /** The event id, a UUID in its 8-4-4-4-12 text form. Default: a random UUID. */
  readonly id?: string | undefined;
  /** The content type of `data`. Default `application/octet-stream`; use `application/json` for JSON data. */
  readonly contentType?: string | undefined;
}

/** What {@link NewEvent.json} makes a JSON event from. */
export interface NewJsonEventOptions {
  /** The event type, e.g. `OrderCreated`; must not be empty. */
  readonly type: string;
  /** The event's data: any value `JSON.stringify` can serialize (not `undefined`, a function or a bigint). */
  readonly data: unknown;
  /** The event's metadata, serialized as JSON likewise. Default: none (empty bytes). */
  readonly metadata?: unknown;
  /** The event id, a UUID in its 8-4-4-4-12 text form. Default: a random UUID. */
  readonly id?: string | undefined;
}

const KNOWN_KEYS = ['type', 'data', 'metadata', 'id', 'contentType'];
const JSON_KEYS = ['type', 'data', 'metadata', 'id'];
const JSON_CONTENT_TYPE = 'application/json';

/** Refuses anything but an options object with only `known` keys. */
function checkOptionKeys(options: unknown, known: readonly string[], where: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: the options must be an object { ${known.join(', ')} }`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${where}: unknown option '${key}'; known options: ${known.join(', ')}`);
    }
  }
}

function checkType(type: unknown, where: string): string {
  if (typeof type !== 'string' || type === '')
    throw new TypeError(`${where}: type must be a non-empty string`);
  return type;
}

function checkId(id: unknown, where: string): string | undefined {
  if (id !== undefined && (typeof id !== 'string' || !isUuidText(id))) {
    throw new TypeError(`${where}: id must be a UUID string like 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'`);
  }
  return id;
}

/** `value` as JSON text in UTF-8; a TypeError naming the option when JSON cannot represent it. */
function jsonBytesOf(value: unknown, where: string): Uint8Array {
  return Buffer.from(checkJsonText(value, where), 'utf8');
}

/**
 * A new event, checked when it is made. It is frozen; its byte arrays are kept as given, not copied, so do not
 * modify them before the append completes.
 */
export class NewEvent {
  /** The event type. */
  readonly type: string;
  /** The event's data. */
  readonly data: Uint8Array;
  /** The event's metadata bytes. */
  readonly metadata: Uint8Array;
  /** The event id, lower-case UUID text. */
  readonly id: string;
  /** The content type of {@link NewEvent.data}. */
  readonly contentType: string;

  /**
   * @throws TypeError when an option is missing, of the wrong kind or unknown (the message names it).
   */
  constructor(options: NewEventOptions) {
    const where = 'NewEvent';
    checkOptionKeys(options, KNOWN_KEYS, where);
    const { type, data, metadata, id, contentType } = options;
    checkType(type, where);
    if (!(data instanceof Uint8Array))
      throw new TypeError(`${where}: data must be a Uint8Array (or a Buffer)`);
    if (metadata !== undefined && !(metadata instanceof Uint8Array)) {
      throw new TypeError(`${where}: metadata must be a Uint8Array (or a Buffer)`);
    }
    checkId(id, where);
    if (contentType !== undefined && (typeof contentType !== 'string' || contentType === '')) {
      throw new TypeError(`${where}: contentType must be a non-empty string`);
    }
    this.type = type;
    this.data = data;
    this.metadata = metadata ?? EMPTY;
    this.id = id === undefined ? randomUUID() : id.toLowerCase();
    this.contentType = contentType ?? DEFAULT_CONTENT_TYPE;
    Object.freeze(this);
  }

  /**
   * A new event whose data (and metadata, when given) is JSON: the values are serialized with
   * `JSON.stringify`, and the content type is `application/json`, so that the server and other clients treat
   * the data as JSON ({@link RecordedEvent.json} parses it back).
   * @throws TypeError when an option is missing, of the wrong kind or unknown, or when `data` or `metadata`
   * cannot be serialized as JSON (`undefined`, a function, a symbol, a bigint, a cycle).
   */
  static json(options: NewJsonEventOptions): NewEvent {
    const where = 'NewEvent.json';
    checkOptionKeys(options, JSON_KEYS, where);
    const type = checkType(options.type, where);
    const id = checkId(options.id, where);
    return new NewEvent({
      type,
      data: jsonBytesOf(options.data, `${where}: data`),
      metadata:
        options.metadata === undefined ? undefined : jsonBytesOf(options.metadata, `${where}: metadata`),
      id,
      contentType: JSON_CONTENT_TYPE,
    });
  }
}

const EMPTY = new Uint8Array(0);
