/**
 * An event as recorded by the server, as reads and subscriptions return it.
 */

/** What a {@link RecordedEvent} is made from. */
export interface RecordedEventInit {
  /** The event id, UUID text. */
  readonly id: string;
  /** The event type. */
  readonly type: string;
  /** The event's data. */
  readonly data: Uint8Array;
  /** The event's metadata bytes. */
  readonly metadata: Uint8Array;
  /** The content type of the data: `application/json` or `application/octet-stream` (§3.10). */
  readonly contentType: string;
  /** The stream the event belongs to. */
  readonly streamName: string;
  /** The event's position in its stream (0 for the first event). */
  readonly streamPosition: bigint;
  /** The event's commit position in the database's total order. */
  readonly commitPosition: bigint;
  /** When the server recorded the event: a Date, or milliseconds since the Unix epoch. */
  readonly recordedAt: Date | number;
  /** The `$>` link record through which this event was read, when a link was resolved. Default: none. */
  readonly link?: RecordedEvent | undefined;
}

const JSON_CONTENT_TYPE = 'application/json';
// Fatal, so that bytes that are not UTF-8 are reported rather than turned into replacement characters.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A recorded event. Immutable: the object is frozen and {@link RecordedEvent.recordedAt} returns a new Date on
 * every access. The byte arrays are views into the received message, not copies; treat them as read-only.
 */
export class RecordedEvent {
  /** The event id, lower-case UUID text. */
  readonly id: string;
  /** The event type. */
  readonly type: string;
  /** The event's data. */
  readonly data: Uint8Array;
  /** The event's metadata bytes. */
  readonly metadata: Uint8Array;
  /** The content type of the data: `application/json` or `application/octet-stream`. */
  readonly contentType: string;
  /** The stream the event belongs to. */
  readonly streamName: string;
  /** The event's position in its stream (0 for the first event). */
  readonly streamPosition: bigint;
  /**
   * The event's position in the total order of all events in the database (a byte offset in the server's log;
   * increasing, not gapless).
   */
  readonly commitPosition: bigint;
  /**
   * The `$>` link record this event was read through, when the read or subscription resolved links
   * (`resolveLinks`) and this event is a link's target; otherwise undefined. A link whose target is gone
   * (deleted stream, truncated event) cannot be resolved: it is then returned as itself, an event of type `$>`
   * with no `link` (docs/protocol.md §3.7).
   */
  readonly link: RecordedEvent | undefined;
  /** Milliseconds since the Unix epoch; kept as a number so that no mutable Date is shared. */
  readonly #recordedAtMs: number;

  constructor(init: RecordedEventInit) {
    this.id = init.id;
    this.type = init.type;
    this.data = init.data;
    this.metadata = init.metadata;
    this.contentType = init.contentType;
    this.streamName = init.streamName;
    this.streamPosition = init.streamPosition;
    this.commitPosition = init.commitPosition;
    this.#recordedAtMs = typeof init.recordedAt === 'number' ? init.recordedAt : init.recordedAt.getTime();
    this.link = init.link;
    // A subclass adds its own fields after this constructor returns, so it freezes the object itself.
    if (new.target === RecordedEvent) Object.freeze(this);
  }

  /** When the server recorded the event (millisecond precision). A new Date on every access. */
  get recordedAt(): Date {
    return new Date(this.#recordedAtMs);
  }

  /**
   * The event's data parsed as JSON (UTF-8). The type parameter is not checked: it only names what the caller
   * expects the data to be.
   * @throws TypeError when {@link RecordedEvent.contentType} is not `application/json`.
   * @throws SyntaxError when the data is not valid UTF-8 JSON.
   */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T is the caller's expectation
  json<T = unknown>(): T {
    if (this.contentType !== JSON_CONTENT_TYPE) {
      throw new TypeError(
        `RecordedEvent.json: event ${this.id} (${this.type}) has content type '${this.contentType}', ` +
          `not '${JSON_CONTENT_TYPE}'`,
      );
    }
    try {
      return JSON.parse(utf8Decoder.decode(this.data)) as T;
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SyntaxError(`RecordedEvent.json: the data of event ${this.id} is not valid JSON: ${reason}`, {
        cause: error,
      });
    }
  }
}
