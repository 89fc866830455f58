// `instanceof` across two copies of the error classes, as when an application loads both the CommonJS and the
// ES module build of the package (the dual-package hazard): each copy's errors are instances of the other's
// classes, by the class names they record, and of nothing they are not.
import * as thisCopy from '../../src/client/index.js';

type ClientModule = typeof thisCopy;

/** A second, independent copy of the client's modules: other class objects, as another build would have. */
function otherCopy(): ClientModule {
  let loaded: ClientModule | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual<ClientModule>('../../src/client/index.js');
  });
  if (loaded === undefined) throw new Error('the second copy did not load');
  return loaded;
}

const other = otherCopy();

test('the second copy really has other classes', () => {
  expect(other.ExpectedPositionError).not.toBe(thisCopy.ExpectedPositionError);
  expect(Object.getPrototypeOf(new other.ExpectedPositionError('s', 0n, 1n))).not.toBe(
    thisCopy.ExpectedPositionError.prototype,
  );
});

test("an error of one copy is an instance of the other copy's class and of its ancestors", () => {
  const error = new other.ExpectedPositionError('s', 0n, 1n);
  expect(error instanceof thisCopy.ExpectedPositionError).toBe(true);
  expect(error instanceof thisCopy.EsdbError).toBe(true);
  const back = new thisCopy.SubscriptionNotFoundError('g', '$all');
  expect(back instanceof other.SubscriptionNotFoundError).toBe(true);
  expect(back instanceof other.EsdbError).toBe(true);
  expect(new other.DiscoveryError(3, 'none') instanceof thisCopy.EsdbError).toBe(true);
});

test('an error is not an instance of a sibling class of either copy', () => {
  const error = new other.StreamNotFoundError('s');
  expect(error instanceof thisCopy.StreamDeletedError).toBe(false);
  expect(error instanceof other.StreamDeletedError).toBe(false);
  expect(new thisCopy.EsdbError('x') instanceof other.ExpectedPositionError).toBe(false);
});

test('plain values and foreign errors are not EsdbErrors', () => {
  expect(new Error('x') instanceof thisCopy.EsdbError).toBe(false);
  expect((null as unknown as object) instanceof thisCopy.EsdbError).toBe(false);
  expect({ name: 'EsdbError' } instanceof thisCopy.EsdbError).toBe(false);
});

test('a user subclass works with instanceof as usual', () => {
  class AppError extends thisCopy.AccessDeniedError {}
  const error = new AppError('nope');
  expect(error instanceof AppError).toBe(true);
  expect(error instanceof other.AccessDeniedError).toBe(true);
  expect(new thisCopy.AccessDeniedError('x') instanceof AppError).toBe(false);
});
