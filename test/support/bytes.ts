/**
 * Builds byte sequences by hand for golden wire tests: hex chunks ("0a 0e") and UTF-8 text chunks, joined in
 * order. Nothing here knows protobuf, so a golden built with it is independent of the generated codec.
 */
export type Chunk = { hex: string } | { text: string };

/** A chunk of bytes written as hex pairs, spaces allowed. */
export function hex(pairs: string): Chunk {
  return { hex: pairs };
}

/** A chunk of bytes that is the UTF-8 encoding of `value`. */
export function text(value: string): Chunk {
  return { text: value };
}

/** Joins chunks into one byte array. */
export function bytes(...chunks: Chunk[]): Uint8Array {
  const parts = chunks.map((chunk) =>
    'hex' in chunk ? Buffer.from(chunk.hex.replace(/\s+/g, ''), 'hex') : Buffer.from(chunk.text, 'utf8'),
  );
  return new Uint8Array(Buffer.concat(parts));
}

/** Renders bytes as spaced hex, for readable failure messages. */
export function toHex(value: Uint8Array): string {
  return Buffer.from(value)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
}
