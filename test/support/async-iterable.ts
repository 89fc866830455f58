/** An async iterable over fixed items, for client-streaming calls in tests. */
export function asyncIterableOf<T>(items: readonly T[]): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      let index = 0;
      return {
        next: () =>
          Promise.resolve(
            index < items.length
              ? { done: false, value: items[index++] as T }
              : { done: true as const, value: undefined },
          ),
      };
    },
  };
}
