/**
 * Lists the files of a gzipped tar archive, such as the one `npm pack` writes, with their permission bits:
 * read in Node so that the test depends on no `tar` command and its output format.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** One regular file of the archive. */
export interface TarballEntry {
  /** The path inside the archive, e.g. `package/dist/cjs/client/index.js`. */
  readonly path: string;
  /** The permission bits, e.g. 0o644. */
  readonly mode: number;
}

const BLOCK = 512;

/** The regular files of the `.tgz` at `file`, in archive order. */
export function tarballEntries(file: string): TarballEntry[] {
  const archive = gunzipSync(readFileSync(file));
  const entries: TarballEntry[] = [];
  // A pax extended header ('x') may carry the next entry's full path when it is too long for the header.
  let paxPath: string | undefined;
  for (let offset = 0; offset + BLOCK <= archive.length;) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const body = archive.subarray(offset + BLOCK, offset + BLOCK + size);
    if (type === 'x') {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
    } else {
      if (type === '0' || type === '\0') {
        const name = text(header.subarray(0, 100));
        const prefix = text(header.subarray(345, 500));
        const path = paxPath ?? (prefix === '' ? name : `${prefix}/${name}`);
        entries.push({ path, mode: octal(header.subarray(100, 108)) & 0o7777 });
      }
      paxPath = undefined;
    }
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

/** A NUL-terminated header field. */
function text(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

/** A NUL- or space-terminated octal header field. */
function octal(field: Buffer): number {
  const digits = text(field).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}
