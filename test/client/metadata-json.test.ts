// The JSON of stream metadata, both ways, on cases a server round trip does not reach: exact large $tb values,
// keys nested in custom values, repeated keys, text that is not a JSON object.
import { metadataJson, metadataOfJson } from '../../src/client/wire/stream-metadata-json.js';

describe('metadataOfJson', () => {
  test('reads $tb exactly, even above 2^53', () => {
    expect(metadataOfJson('{ "$tb" : 9223372036854775807 }')).toEqual({ truncateBefore: 2n ** 63n - 1n });
    expect(metadataOfJson('{"$tb":9007199254740993}').truncateBefore).toBe(9_007_199_254_740_993n);
  });

  test('only top-level members count; nested and string look-alikes stay custom', () => {
    const json = '{"a":{"$tb":5},"b":"\\"$tb\\":6","c":[{"$maxCount":3}],"$tb":7}';
    expect(metadataOfJson(json)).toEqual({
      truncateBefore: 7n,
      custom: { a: { $tb: 5 }, b: '"$tb":6', c: [{ $maxCount: 3 }] },
    });
  });

  test('a repeated key counts with its last value, as JSON.parse does', () => {
    expect(metadataOfJson('{"$tb":5,"$tb":"x"}')).toEqual({ custom: { $tb: 'x' } });
    expect(metadataOfJson('{"$maxCount":"x","$maxCount":4}')).toEqual({ maxCount: 4 });
  });

  test('values the server would not act on stay custom under their keys', () => {
    expect(
      metadataOfJson('{"$maxCount":0,"$maxAge":-1,"$cacheControl":1.5,"$tb":-1,"$tmp":"yes","$acl":[]}'),
    ).toEqual({
      custom: { $maxCount: 0, $maxAge: -1, $cacheControl: 1.5, $tb: -1, $tmp: 'yes', $acl: [] },
    });
  });

  test('an ACL keeps its readable roles and drops the rest', () => {
    expect(metadataOfJson('{"$acl":{"$r":"a","$w":["b","c"],"$d":[1],"$mr":null,"$x":"y"}}')).toEqual({
      acl: { readRoles: ['a'], writeRoles: ['b', 'c'] },
    });
  });

  test('text that is not a JSON object is no metadata', () => {
    for (const text of ['', 'not json', '[1]', '"x"', 'null', '7']) expect(metadataOfJson(text)).toEqual({});
  });
});

describe('metadataJson', () => {
  test('writes the server keys first, $tb exactly, then the custom keys', () => {
    const text = metadataJson({
      custom: { z: [1, { y: null }] },
      acl: { metaWriteRoles: ['$admins'], readRoles: ['a', 'b'] },
      truncateBefore: 2n ** 63n - 1n,
      maxCount: 3,
    });
    expect(text).toBe(
      '{"$maxCount":3,"$tb":9223372036854775807,"$acl":{"$r":["a","b"],"$mw":["$admins"]},"z":[1,{"y":null}]}',
    );
    expect(metadataOfJson(text)).toEqual({
      maxCount: 3,
      truncateBefore: 2n ** 63n - 1n,
      acl: { readRoles: ['a', 'b'], metaWriteRoles: ['$admins'] },
      custom: { z: [1, { y: null }] },
    });
  });

  test('empty metadata is an empty object', () => {
    expect(metadataJson({})).toBe('{}');
  });
});
