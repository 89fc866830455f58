/**
 * The errors of the projection methods. The server signals them without an `exception` key, by status and
 * text only (docs/protocol.md §3.17.1), so they are told apart in `error-from-projection-status.ts`.
 */
import { EsdbError, type EsdbErrorOptions } from './esdb-error.js';

/** The server has no projection by that name. */
export class ProjectionNotFoundError extends EsdbError {
  override readonly name: string = 'ProjectionNotFoundError';
  /** The projection that was not found. */
  readonly projectionName: string;

  constructor(projectionName: string, options: EsdbErrorOptions = {}) {
    super(`Projection '${projectionName}' not found.`, options);
    this.projectionName = projectionName;
  }
}

/** A projection by that name exists already (createProjection). */
export class ProjectionExistsError extends EsdbError {
  override readonly name: string = 'ProjectionExistsError';
  /** The name that is taken. */
  readonly projectionName: string;

  constructor(projectionName: string, options: EsdbErrorOptions = {}) {
    super(`Projection '${projectionName}' exists already.`, options);
    this.projectionName = projectionName;
  }
}

/**
 * The server's projection manager refused the operation, for instance deleting a system projection (its
 * names start with `$`), or an operation its RunAs rules do not allow. The server does not say why: the reply
 * it names (`OperationFailed`, `NotAuthorized`) is all there is.
 */
export class ProjectionOperationFailedError extends EsdbError {
  override readonly name: string = 'ProjectionOperationFailedError';
  /** The projection the operation was on. */
  readonly projectionName: string;
  /** The manager's reply, as the server named it: `OperationFailed` or `NotAuthorized`. */
  readonly reply: string;

  constructor(projectionName: string, reply: string, options: EsdbErrorOptions = {}) {
    super(`The operation on projection '${projectionName}' failed: the server replied ${reply}.`, options);
    this.projectionName = projectionName;
    this.reply = reply;
  }
}
