/**
 * The root of the client's errors. Errors that come from a failed gRPC call keep what the server said in
 * {@link EsdbError.grpcStatus}; argument errors are plain `TypeError` and `RangeError` and never reach the server.
 *
 * `instanceof` must hold when an application loads both builds of this package (a CommonJS dependency
 * `require`s it while the application `import`s it): each build then has its own copy of every class. So each
 * error records the names of its classes under a process-wide symbol, and `instanceof` also accepts an object
 * that carries the class's name there.
 */

/** The status a failed gRPC call ended with, as the server sent it. */
export interface GrpcStatusDetails {
  /** The gRPC status code (`grpc-status`), e.g. 9 for FAILED_PRECONDITION. */
  readonly code: number;
  /** The status message (`grpc-message`). */
  readonly details: string;
  /**
   * The text trailers, lower-case keys; EventStoreDB puts the error kind under `exception` and its parameters
   * under companion keys such as `stream-name` (docs/protocol.md §3.1).
   */
  readonly trailers: Readonly<Record<string, string>>;
}

/** What every {@link EsdbError} constructor accepts besides its message. */
export interface EsdbErrorOptions {
  /** The status of the gRPC call the error comes from, if it came from one. */
  readonly grpcStatus?: GrpcStatusDetails;
  /** The underlying error. */
  readonly cause?: unknown;
}

/** Shared by every copy of the package in a process (`Symbol.for`), unlike the classes themselves. */
const ERROR_CLASSES = Symbol.for('esdbclient.errorClasses');

/** The names of a class and of its ancestors up to (and including) EsdbError. */
function classNamesOf(errorClass: abstract new (...args: never[]) => unknown): readonly string[] {
  const names: string[] = [];
  for (let current: unknown = errorClass; typeof current === 'function';) {
    names.push(current.name);
    if (current.name === 'EsdbError') break;
    current = Object.getPrototypeOf(current);
  }
  return names;
}

/** The root of every error this client throws on purpose (argument errors excepted). */
export class EsdbError extends Error {
  override readonly name: string = 'EsdbError';
  /** The status of the failed gRPC call, when the error was signalled by the server or the transport. */
  readonly grpcStatus: GrpcStatusDetails | undefined;

  constructor(message: string, options: EsdbErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.grpcStatus = options.grpcStatus;
    Object.defineProperty(this, ERROR_CLASSES, { value: classNamesOf(new.target) });
  }

  /** `instanceof` by prototype, or by the class names an error of another copy of the package recorded. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null) return false;
    const names: unknown = (value as Record<symbol, unknown>)[ERROR_CLASSES];
    return Array.isArray(names) && names.includes(this.name);
  }
}
