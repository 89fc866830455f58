/**
 * A one-entry cache of the last string decoded at one place in the decoder. Consecutive events of a read
 * usually share their stream name and often their type: comparing a few bytes is cheaper than decoding UTF-8
 * into a new string for every event.
 */
export class RecentString {
  #bytes: Buffer = Buffer.alloc(0);
  #text = '';

  /** The UTF-8 text of buf[start, end), reusing the previous string when the bytes are the same. */
  decode(buf: Buffer, start: number, end: number): string {
    const cached = this.#bytes;
    const length = end - start;
    if (length === cached.length) {
      let same = true;
      for (let i = 0; i < length; i += 1) {
        if (buf[start + i] !== cached[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.#text;
    }
    this.#text = buf.toString('utf8', start, end);
    // A copy: the cache must not keep the whole received message alive.
    this.#bytes = Buffer.from(buf.subarray(start, end));
    return this.#text;
  }
}
