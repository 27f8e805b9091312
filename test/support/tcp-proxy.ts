import net from 'node:net';

/**
 * A loopback TCP proxy in front of a shared service (the machine's MariaDB), so a test can take
 * the service away from the app without stopping it for everyone else. `cut()` drops every live
 * connection and refuses new ones, as a dead network or a crashed server would; `restore()`
 * lets connections through again.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private down: false | 'refuse' | 'hang' = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    // The handler needs the instance, which needs the server's port: filled in below.
    const ref: { proxy?: TcpProxy } = {};
    const server = net.createServer((client) => {
      const proxy = ref.proxy;
      if (!proxy || proxy.down === 'refuse') {
        client.destroy();
        return;
      }
      if (proxy.down === 'hang') {
        // Accepted and never answered, like a server behind a dead link: only the client's
        // own timeouts end the wait.
        proxy.sockets.add(client);
        client.once('close', () => proxy.sockets.delete(client));
        client.on('error', () => undefined);
        return;
      }
      const upstream = net.connect(targetPort, targetHost);
      const live = proxy.sockets;
      for (const socket of [client, upstream]) {
        live.add(socket);
        socket.once('close', () => live.delete(socket));
        // A destroyed peer ends its partner; errors are the point of the exercise.
        socket.on('error', () => undefined);
      }
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    ref.proxy = new TcpProxy(server, port);
    return ref.proxy;
  }

  /** Connections through the proxy right now (both sides counted). */
  get liveSockets(): number {
    return this.sockets.size;
  }

  /**
   * Drops live connections; new ones are refused at once ('refuse', a stopped server) or
   * accepted and left unanswered ('hang', a dead link or a server too busy to greet).
   */
  cut(mode: 'refuse' | 'hang' = 'refuse'): void {
    this.down = mode;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
