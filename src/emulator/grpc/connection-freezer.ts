import type { Server as NetServer, Socket } from 'node:net';

/** The native side of a TCP socket: what reads bytes off the wire, whoever consumes them. */
interface ReadableHandle {
  readStart(): number;
  readStop(): number;
}

function handleOf(socket: Socket): ReadableHandle | undefined {
  const handle = (socket as unknown as { _handle?: Partial<ReadableHandle> | null })._handle;
  return typeof handle?.readStart === 'function' && typeof handle.readStop === 'function'
    ? (handle as ReadableHandle)
    : undefined;
}

/**
 * Makes a server hang without closing anything, for tests of how clients detect a half-open connection: while
 * frozen, no byte is read from any connection (so no request, no HTTP/2 PING is answered, and new connections
 * never finish their handshake) and the server's handlers hold their responses.
 *
 * Reading is stopped on the TCP socket's native handle: HTTP/2 (and TLS) consume the socket natively, so
 * `socket.pause()` would not stop them. Node documents no other way to do this; the fault-control tests show it
 * still works.
 */
export class ConnectionFreezer {
  private readonly sockets = new Set<Socket>();
  private thawing: Promise<void> | undefined;
  private thaw: (() => void) | undefined;

  /** Tracks every TCP connection `server` accepts, freezing those accepted while frozen. */
  watch(server: NetServer): void {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      if (this.frozen) {
        this.stopReading(socket);
        // TLS starts reading its socket once set up, after this listener: stop it again then.
        setImmediate(() => {
          if (this.frozen) this.stopReading(socket);
        });
      }
    });
  }

  get frozen(): boolean {
    return this.thawing !== undefined;
  }

  /** Resolves when {@link resume} is called, or at once when not frozen. */
  thawed(): Promise<void> {
    return this.thawing ?? Promise.resolve();
  }

  freeze(): void {
    if (this.frozen) return;
    this.thawing = new Promise((resolve) => {
      this.thaw = resolve;
    });
    for (const socket of this.sockets) this.stopReading(socket);
  }

  resume(): void {
    if (!this.frozen) return;
    for (const socket of this.sockets) if (!socket.destroyed) handleOf(socket)?.readStart();
    this.thaw?.();
    this.thawing = undefined;
    this.thaw = undefined;
  }

  /** Destroys every TCP connection, whatever state its HTTP/2 session is in. */
  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private stopReading(socket: Socket): void {
    if (!socket.destroyed) handleOf(socket)?.readStop();
  }
}
