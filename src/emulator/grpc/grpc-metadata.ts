import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { Metadata } from 'nice-grpc';

/** Headers that belong to HTTP/2 or to gRPC itself, not to the call's metadata. */
const RESERVED = new Set([
  'content-type',
  'te',
  'grpc-timeout',
  'grpc-encoding',
  'grpc-accept-encoding',
  'user-agent',
]);

/** The call metadata carried by request headers: `-bin` keys are base64 (gRPC over HTTP/2). */
export function metadataFromHeaders(headers: IncomingHttpHeaders): Metadata {
  const metadata = Metadata();
  for (const [key, value] of Object.entries(headers)) {
    if (key.startsWith(':') || RESERVED.has(key) || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (key.endsWith('-bin')) metadata.append(key, Buffer.from(item, 'base64'));
      else metadata.append(key, item);
    }
  }
  return metadata;
}

/** Metadata as response headers or trailers. */
export function headersFromMetadata(metadata: Metadata): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [key, values] of metadata) {
    headers[key] = values.map((value) =>
      typeof value === 'string' ? value : Buffer.from(value).toString('base64'),
    );
  }
  return headers;
}

/**
 * `grpc-message` is percent-encoded: everything outside printable ASCII, and `%` itself. Spaces at either end are
 * encoded too, since HTTP/2 field values may not start or end with whitespace and would lose them.
 */
export function encodeGrpcMessage(message: string): string {
  const bytes = Array.from(Buffer.from(message, 'utf8'));
  return bytes
    .map((byte, index) => {
      const edgeSpace = byte === 0x20 && (index === 0 || index === bytes.length - 1);
      const plain = byte >= 0x20 && byte <= 0x7e && byte !== 0x25 && !edgeSpace;
      return plain ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

const TIMEOUT_UNITS: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000001,
};

/** The call's deadline in milliseconds from now, from `grpc-timeout` (e.g. `100m`), or undefined. */
export function timeoutOf(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['grpc-timeout'];
  const match = typeof value === 'string' ? /^(\d{1,8})([HMSmun])$/.exec(value) : null;
  if (match === null) return undefined;
  return Number(match[1]) * (TIMEOUT_UNITS[match[2] ?? ''] ?? 0);
}
