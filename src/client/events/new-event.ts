/**
 * A new event to append: its type, its data and metadata bytes, its id and the content type of its data.
 */
import { randomUUID } from 'node:crypto';
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

const KNOWN_KEYS = new Set(['type', 'data', 'metadata', 'id', 'contentType']);

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
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw new TypeError(
        `${where}: the options must be an object { type, data, metadata?, id?, contentType? }`,
      );
    }
    for (const key of Object.keys(options)) {
      if (!KNOWN_KEYS.has(key)) {
        throw new TypeError(
          `${where}: unknown option '${key}'; known options: type, data, metadata, id, contentType`,
        );
      }
    }
    const { type, data, metadata, id, contentType } = options;
    if (typeof type !== 'string' || type === '')
      throw new TypeError(`${where}: type must be a non-empty string`);
    if (!(data instanceof Uint8Array))
      throw new TypeError(`${where}: data must be a Uint8Array (or a Buffer)`);
    if (metadata !== undefined && !(metadata instanceof Uint8Array)) {
      throw new TypeError(`${where}: metadata must be a Uint8Array (or a Buffer)`);
    }
    if (id !== undefined && (typeof id !== 'string' || !isUuidText(id))) {
      throw new TypeError(`${where}: id must be a UUID string like 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'`);
    }
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
}

const EMPTY = new Uint8Array(0);
