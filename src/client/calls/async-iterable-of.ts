/**
 * A synchronous iterable seen as an async one, for the request stream of a client-streaming call (nice-grpc
 * takes only async iterables there). Each step is one resolved promise: no generator machinery per message.
 */
export function asyncIterableOf<T>(items: Iterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const iterator = items[Symbol.iterator]();
      return {
        next: () => Promise.resolve(iterator.next()),
        return: (value?: unknown) =>
          Promise.resolve(iterator.return?.(value) ?? { done: true, value: undefined }),
      };
    },
  };
}
