import type { StreamIdentifier } from '../../generated/shared.js';

/**
 * The stream name of a request. A missing identifier is dereferenced unchecked by the server's handlers, so
 * it surfaces as an unhandled exception (UNKNOWN `Exception was thrown by handler.`, §3.1).
 */
export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  if (identifier === undefined) throw new TypeError('the request has no stream identifier');
  return Buffer.from(identifier.streamName).toString('utf8');
}
