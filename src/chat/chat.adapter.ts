import { createAdapter } from '@socket.io/redis-adapter';
import type { AppContext } from '../lib/context';
import { RedisKeyStore } from '../store/redis-store';

type AdapterFactory = ReturnType<typeof createAdapter>;

export interface RoomAdapter {
  /** Undefined: socket.io's default in-memory adapter (one process). */
  factory: AdapterFactory | undefined;
  close(): Promise<void>;
}

const CONNECT_WAIT_MS = 5000;

/**
 * With Redis (the key store is Redis exactly when REDIS_URL is set), rooms are shared by every
 * API process through the socket.io Redis adapter: a message broadcast by one process reaches
 * the room's sockets on all of them. Without Redis (embedded mode, one process), the in-memory
 * adapter.
 *
 * The adapter needs two connections of its own (a subscribed connection can do nothing else).
 * They are copies of the key store's, except that they queue commands while disconnected: the
 * adapter publishes and subscribes without awaiting, so a refused command would be an unhandled
 * rejection, and node-redis re-subscribes by itself after a reconnect.
 */
export async function createRoomAdapter(
  ctx: Pick<AppContext, 'store' | 'logger' | 'config'>,
): Promise<RoomAdapter> {
  if (!(ctx.store instanceof RedisKeyStore)) {
    return { factory: undefined, close: async () => undefined };
  }
  const pub = ctx.store.connection.duplicate({ disableOfflineQueue: false });
  const sub = pub.duplicate();
  let lastErrorLogged = 0;
  for (const client of [pub, sub]) {
    client.on('error', (err: Error) => {
      // One error per failed reconnect attempt: log at most every 10 s.
      const now = Date.now();
      if (now - lastErrorLogged > 10_000) {
        lastErrorLogged = now;
        ctx.logger.warn('chat redis connection problem', { error: err.message });
      }
    });
  }
  // Wait for the connections a little so rooms are shared from the first message, but do not
  // hold the start-up while Redis is down: the clients keep reconnecting and queue meanwhile.
  let timer: NodeJS.Timeout | undefined;
  const connected = Promise.all([pub.connect(), sub.connect()]).then(() => true);
  const waited = await Promise.race([
    connected.catch(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), CONNECT_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!waited) ctx.logger.error('chat redis unreachable at start; rooms are local until it is');

  return {
    factory: createAdapter(pub, sub, { key: `${ctx.config.store.keyPrefix}socket.io` }),
    async close() {
      // A client still reconnecting has nothing to flush: drop it rather than wait for Redis.
      await Promise.allSettled(
        [pub, sub].map((client) => (client.isReady ? client.close() : client.destroy())),
      );
    },
  };
}
