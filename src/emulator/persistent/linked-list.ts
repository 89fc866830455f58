/** A node of a {@link LinkedList}; it knows its list, so it can be taken out in constant time. */
export interface ListNode<T> {
  readonly value: T;
  /** @internal */ previous: ListNode<T> | undefined;
  /** @internal */ next: ListNode<T> | undefined;
  /** @internal */ list: LinkedList<T> | undefined;
}

/**
 * A doubly linked list, the shape of .NET `LinkedList<T>` that the server's stream buffer relies on: insertion
 * before a given node, and removal of a node met while iterating (StreamBuffer.cs).
 */
export class LinkedList<T> {
  private head: ListNode<T> | undefined;
  private tail: ListNode<T> | undefined;
  private size = 0;

  get count(): number {
    return this.size;
  }

  get first(): ListNode<T> | undefined {
    return this.head;
  }

  addLast(value: T): ListNode<T> {
    const node: ListNode<T> = { value, previous: this.tail, next: undefined, list: this };
    if (this.tail === undefined) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.size += 1;
    return node;
  }

  addBefore(before: ListNode<T>, value: T): ListNode<T> {
    const node: ListNode<T> = { value, previous: before.previous, next: before, list: this };
    if (before.previous === undefined) this.head = node;
    else before.previous.next = node;
    before.previous = node;
    this.size += 1;
    return node;
  }

  /** Takes `node` out; false when it is no longer in this list. */
  remove(node: ListNode<T>): boolean {
    if (node.list !== this) return false;
    if (node.previous === undefined) this.head = node.next;
    else node.previous.next = node.next;
    if (node.next === undefined) this.tail = node.previous;
    else node.next.previous = node.previous;
    node.list = undefined;
    node.previous = undefined;
    node.next = undefined;
    this.size -= 1;
    return true;
  }

  /** The nodes from first to last; the node just returned may be removed before asking for the next. */
  *nodes(): Generator<ListNode<T>> {
    let current = this.head;
    while (current !== undefined) {
      const next = current.next;
      yield current;
      current = next;
    }
  }

  *values(): Generator<T> {
    for (const node of this.nodes()) yield node.value;
  }
}
