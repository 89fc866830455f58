/**
 * What a server says it can do (docs/protocol.md §3.16): its version, and the gRPC methods it serves with their
 * features. Clients use it to choose between code paths, such as BatchAppend or Append, or to tell whether
 * persistent subscriptions to all streams are possible.
 */

/** One gRPC method the server serves. */
export interface ServerMethod {
  /** The service's full name, lower-cased as the server lists it, e.g. `event_store.client.streams.streams`. */
  readonly service: string;
  /** The method's name, lower-cased, e.g. `batchappend`. */
  readonly method: string;
  /**
   * What the server says the method can do, e.g. `['stream', 'all']` for the persistent subscription methods
   * (groups on a stream and on all streams); usually empty.
   */
  readonly features: readonly string[];
}

/** What {@link ServerFeatures} is made from. */
export interface ServerFeaturesInit {
  /** The server's version, such as `24.10.0`; `null` when it does not say. */
  readonly version: string | null;
  /** The methods the server serves. */
  readonly methods: readonly ServerMethod[];
}

/**
 * The version and the methods of a server. A server older than 21.10 does not answer the question: it then has
 * no version and lists no methods, though it serves the Streams and PersistentSubscriptions methods of its time.
 */
export class ServerFeatures {
  /** The server's version, such as `24.10.0`; `null` when the server does not say (before 21.10). */
  readonly version: string | null;
  /** The methods the server serves; empty when it does not say (before 21.10). */
  readonly methods: readonly ServerMethod[];

  constructor(init: ServerFeaturesInit) {
    this.version = init.version;
    this.methods = Object.freeze(
      init.methods.map((method) =>
        Object.freeze({
          service: method.service,
          method: method.method,
          features: Object.freeze([...method.features]),
        }),
      ),
    );
    Object.freeze(this);
  }

  /**
   * Whether the server lists `method` of `service`, and, when `feature` is given, lists that feature for it.
   * Names are compared ignoring case, so the generated definitions' names work:
   * `supports(StreamsDefinition.fullName, 'BatchAppend')`.
   * @param service the service's full name, such as `event_store.client.streams.Streams`
   * @param method the method's name, such as `BatchAppend`
   * @param feature a feature of the method, such as `all`
   */
  supports(service: string, method: string, feature?: string): boolean {
    const wanted = { service: service.toLowerCase(), method: method.toLowerCase() };
    const found = this.methods.find(
      (item) => item.service.toLowerCase() === wanted.service && item.method.toLowerCase() === wanted.method,
    );
    if (found === undefined) return false;
    return (
      feature === undefined || found.features.some((item) => item.toLowerCase() === feature.toLowerCase())
    );
  }
}
