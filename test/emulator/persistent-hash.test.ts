// The bucket hash of the Pinned strategies (server: Index/Hashes/XXHashUnsafe.cs), checked with the SMHasher
// verification procedure and the reference value the server's own test suite expects (KurrentDB.Core.Tests
// Hashes/xxhash_hash_should.cs: 0x56D249B1).
import { xxHash32, xxHashOfString } from '../../src/emulator/persistent/xxhash.js';

test('the SMHasher verification value matches the server’s xxHash', () => {
  const key = new Uint8Array(256);
  const hashes = Buffer.alloc(4 * 256);
  // Keys {}, {0}, {0,1}, … hashed with seed 256 - length; then the concatenated hashes with seed 0.
  for (let length = 0; length < 256; length += 1) {
    key[length] = length;
    hashes.writeUInt32LE(xxHash32(key.subarray(0, length), 256 - length), length * 4);
  }
  expect(xxHash32(hashes, 0)).toBe(0x56d249b1);
});

test('strings are hashed as their UTF-16 code units', () => {
  expect(xxHashOfString('orders-1')).toBe(xxHash32(Buffer.from('orders-1', 'utf16le'), 0xc58f1a7b));
  expect(xxHashOfString('orders-1')).not.toBe(xxHashOfString('orders-2'));
});
