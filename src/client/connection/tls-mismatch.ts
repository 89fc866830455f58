/**
 * Turns a failed connection into a {@link TlsMismatchError} when the reason is that the client and the server
 * disagree about TLS, so that the user learns which setting to change instead of an OpenSSL code.
 */
import { endpointText, type Endpoint } from '../discovery/discovery-settings.js';
import { ServiceUnavailableError, TlsMismatchError } from '../errors/esdb-errors.js';
import { speaksCleartextHttp2, speaksTls } from './transport-probe.js';

/** grpc-js's status message when the channel could not connect at all (rather than a server's UNAVAILABLE). */
const NO_CONNECTION = 'No connection established';

/**
 * The error to report for `error`, a failure of a call to `endpoint` over TLS (`tls`) or cleartext: a
 * TlsMismatchError when the connection failed and the server speaks the other transport, else `error` itself.
 */
export async function diagnoseTlsMismatch(
  error: unknown,
  endpoint: Endpoint,
  tls: boolean,
): Promise<unknown> {
  if (!(error instanceof ServiceUnavailableError)) return error;
  if (error.grpcStatus?.details.startsWith(NO_CONNECTION) !== true) return error;
  const mismatch = tls ? await speaksCleartextHttp2(endpoint) : await speaksTls(endpoint);
  if (!mismatch) return error;
  return new TlsMismatchError(endpointText(endpoint), !tls, { grpcStatus: error.grpcStatus, cause: error });
}
