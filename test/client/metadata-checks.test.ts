// Bad input to getStreamMetadata and setStreamMetadata is refused with a TypeError or RangeError naming the
// field, before anything is sent: the scripted server must see no call at all.
import { EsdbClient } from '../../src/client/index.js';
import { useRefusingClient } from './support/refusing-client.js';
import { rejectionOf } from './support/target.js';

const client = useRefusingClient();

type Args = Record<string, unknown>;

/** The error setStreamMetadata fails with, given these metadata fields on stream 's'. */
async function refusal(metadata: unknown, options: Args = {}): Promise<Error> {
  const call = client().setStreamMetadata({ streamName: 's', metadata, ...options } as unknown as Parameters<
    EsdbClient['setStreamMetadata']
  >[0]);
  return (await rejectionOf(call)) as Error;
}

describe('setStreamMetadata', () => {
  const cyclic: Args = {};
  cyclic.self = cyclic;

  test.each<[string, unknown, ErrorConstructor, RegExp]>([
    ['no metadata', undefined, TypeError, /^setStreamMetadata: metadata must be an object$/],
    ['an array', [], TypeError, /metadata must be an object/],
    ['an unknown field', { maxcount: 1 }, TypeError, /metadata: unknown option 'maxcount'/],
    ['a fractional maxCount', { maxCount: 1.5 }, TypeError, /metadata\.maxCount must be an integer/],
    ['a zero maxCount', { maxCount: 0 }, RangeError, /metadata\.maxCount must be between 1 and/],
    ['a string maxCount', { maxCount: '5' }, TypeError, /metadata\.maxCount must be an integer/],
    ['a bigint maxAge', { maxAge: 5n }, TypeError, /metadata\.maxAge must be an integer/],
    ['a zero maxAge', { maxAge: 0 }, RangeError, /metadata\.maxAge must be between 1 and 922337203685/],
    ['a maxAge beyond a TimeSpan', { maxAge: 922_337_203_686 }, RangeError, /metadata\.maxAge must be/],
    ['a negative cacheControl', { cacheControl: -1 }, RangeError, /metadata\.cacheControl must be/],
    ['a negative truncateBefore', { truncateBefore: -1 }, RangeError, /truncateBefore must be between 0 and/],
    ['a truncateBefore beyond a long', { truncateBefore: 2n ** 63n }, RangeError, /truncateBefore must be/],
    ['an unsafe truncateBefore', { truncateBefore: 2 ** 53 }, TypeError, /truncateBefore must be a safe/],
    ['a string truncateBefore', { truncateBefore: '1' }, TypeError, /truncateBefore must be a number or/],
    ['a non-boolean tempStream', { tempStream: 1 }, TypeError, /metadata\.tempStream must be a boolean/],
    ['an acl array', { acl: [] }, TypeError, /metadata\.acl must be an object/],
    ['an unknown acl field', { acl: { read: ['a'] } }, TypeError, /metadata\.acl: unknown option 'read'/],
    ['a single role', { acl: { readRoles: 'ops' } }, TypeError, /acl\.readRoles must be an array of role/],
    ['a role that is not a string', { acl: { writeRoles: ['a', 1] } }, TypeError, /writeRoles\[1\] must be/],
    ['an empty role', { acl: { metaReadRoles: [''] } }, TypeError, /metaReadRoles\[0\] must be a non-empty/],
    ['custom not an object', { custom: 'x' }, TypeError, /metadata\.custom must be an object/],
    ['a $ custom key', { custom: { $maxCount: 1 } }, RangeError, /custom: key '\$maxCount' must not start/],
    ['an undefined custom value', { custom: { a: undefined } }, TypeError, /custom\.a cannot be serialized/],
    ['a bigint custom value', { custom: { a: 1n } }, TypeError, /custom\.a cannot be serialized as JSON/],
    ['a cyclic custom value', { custom: { a: cyclic } }, TypeError, /custom\.a cannot be serialized as JSON/],
  ])('refuses %s', async (_case, metadata, errorClass, message) => {
    const error = await refusal(metadata);
    expect(error).toBeInstanceOf(errorClass);
    expect(error.message).toMatch(message);
  });

  test.each<[string, Args, ErrorConstructor, RegExp]>([
    ['an empty stream name', { streamName: '' }, TypeError, /^setStreamMetadata: streamName must not be/],
    ['a string position', { expectedPosition: '0' }, TypeError, /expectedPosition must be a number/],
    ['an unknown option', { position: 0 }, TypeError, /^setStreamMetadata: unknown option 'position'/],
    ['a bad timeout', { timeout: 0 }, RangeError, /^setStreamMetadata: timeout must be positive/],
  ])('refuses %s', async (_case, options, errorClass, message) => {
    const error = await refusal({}, options);
    expect(error).toBeInstanceOf(errorClass);
    expect(error.message).toMatch(message);
  });
});

describe('getStreamMetadata', () => {
  test.each<[string, unknown, ErrorConstructor, RegExp]>([
    ['no options', undefined, TypeError, /^getStreamMetadata: the options must be an object/],
    ['an empty stream name', { streamName: '' }, TypeError, /^getStreamMetadata: streamName must not be/],
    ['an unknown option', { streamName: 's', x: 1 }, TypeError, /^getStreamMetadata: unknown option 'x'/],
    ['a bad signal', { streamName: 's', signal: {} }, TypeError, /^getStreamMetadata: signal must be an/],
  ])('refuses %s', async (_case, options, errorClass, message) => {
    const call = client().getStreamMetadata(options as Parameters<EsdbClient['getStreamMetadata']>[0]);
    const error = (await rejectionOf(call)) as Error;
    expect(error).toBeInstanceOf(errorClass);
    expect(error.message).toMatch(message);
  });
});
