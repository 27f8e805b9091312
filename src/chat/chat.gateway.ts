import cluster from 'node:cluster';
import type http from 'node:http';
import { Server, type ExtendedError } from 'socket.io';
import { AUTH } from '../auth/messages';
import { clusterSessionIds } from '../lib/cluster-worker';
import type { AppContext } from '../lib/context';
import { createRoomAdapter } from './chat.adapter';
import { chatMetricsOf } from './chat.metrics';
import {
  actingUser,
  authenticate,
  describe,
  endOldestConnections,
  groupRoom,
  memberRoom,
  sessionRoom,
  userRoom,
  type ChatServer,
  type ChatSocket,
  type ClientEvents,
} from './chat.connection';
import { enterRoom, postMessage, readHistory } from './chat.service';
import { parseCursor, parseGroupId, parseMessage } from './chat.validators';
import { CHAT } from './messages';
import { TokenBucket, takeUserToken } from './rate-limit';

/**
 * Group chat over socket.io, on the API's own HTTP server and CORS origins, with the SPA's events
 * (`chatRoom`, `reqMessage` → `chatList`, `chatMessage`) and `chatHistory` for older pages.
 *
 * The handshake carries an access token and the user it names is the only identity used. With
 * `CHAT_LEGACY_CLIENTS` a client without a token (the published SPA) is let in too and acts as
 * the userId each of its events names. Either way every event checks that this user has applied
 * to the group. Every refusal or failure is an `error` event with a Korean message.
 *
 * A socket is in these rooms: `group:<groupId>` (the broadcasts), one per group and user it
 * joined as (so a cancellation takes exactly those sockets out), `user:<userId>` (withdrawal,
 * the per-user connection cap) and, with a token, `session:<sid>` (logout). Acting on rooms
 * through the adapter reaches the sockets on every process.
 */

/**
 * Per 10 seconds, in bursts or spread out: 10 messages, and 20 reads (joins and history pages),
 * each of which is a database query. Counted per connection (in the process) and per user (all
 * of the user's connections on every API process together, in the shared key store).
 */
const RATE_WINDOW_MS = 10_000;
const RATES = {
  message: { capacity: 10, windowMs: RATE_WINDOW_MS },
  read: { capacity: 20, windowMs: RATE_WINDOW_MS },
} as const;
/** Socket.io's default is 1 MB; a chat packet is at most a few kilobytes. */
const MAX_PACKET_BYTES = 64 * 1024;

function registerHandlers(
  ctx: Pick<AppContext, 'config' | 'logger' | 'metrics' | 'now' | 'store'>,
  io: ChatServer,
  socket: ChatSocket,
) {
  const { token } = socket.data;
  const started = ctx.now().getTime();
  const buckets = {
    message: new TokenBucket(RATES.message.capacity, RATES.message.windowMs, started),
    read: new TokenBucket(RATES.read.capacity, RATES.read.windowMs, started),
  };
  const refuse = (event: string, message: string) => {
    socket.emit('error', { success: false, message, event });
  };
  const expire = (event: string) => {
    refuse(event, AUTH.accessRenewed);
    socket.disconnect(true);
  };
  if (token) {
    void socket.join([userRoom(token.userId), sessionRoom(token.sid)]);
    // The connection ends when its token does, whether or not the client sends anything.
    // (A token lives at most 7 days, well within a timer's range.)
    const timer = setTimeout(
      () => expire('connection'),
      Math.max(0, token.expiresAt - ctx.now().getTime()),
    );
    socket.once('disconnect', () => clearTimeout(timer));
  }
  // One event at a time per connection: a sender's messages are stored and broadcast in the
  // order they were sent, and one client holds at most one database query at a time.
  let queue = Promise.resolve();

  /**
   * Every handler runs here: a refusal, a thrown error or a database failure is an `error`
   * event. `claimedAt` is the position of the userId the client sends along.
   */
  const handle = (
    event: keyof ClientEvents,
    limit: { kind: keyof typeof RATES; bucket: TokenBucket; message: string },
    claimedAt: number,
    handler: (userId: string, args: unknown[]) => Promise<void>,
  ) => {
    socket.on(event, (...args: unknown[]) => {
      const now = ctx.now().getTime();
      // Also checked here: the timer may run late, and the test clock does not move it.
      if (token && now >= token.expiresAt) {
        expire(event);
        return;
      }
      let userId: string;
      try {
        userId = actingUser(socket, args[claimedAt]);
      } catch (err) {
        refuse(event, describe(ctx, err, event));
        return;
      }
      // Counted on arrival, before the queue, so a slow database does not widen the limit: the
      // connection's bucket here, the user's (shared by every process) asked now and its answer
      // awaited in the queue, so a refusal keeps its place among the connection's events.
      if (!limit.bucket.take(now)) {
        refuse(event, limit.message);
        return;
      }
      const allowed = takeUserToken(ctx, limit.kind, userId, RATES[limit.kind], now);
      queue = queue
        .then(async () => {
          if (!(await allowed)) {
            refuse(event, limit.message);
            return;
          }
          await handler(userId, args);
        })
        .catch((err: unknown) => refuse(event, describe(ctx, err, event)));
    });
  };
  const reads = { kind: 'read', bucket: buckets.read, message: CHAT.tooManyRequests } as const;

  handle('chatRoom', reads, 1, async (userId, [groupArg]) => {
    const groupId = parseGroupId(groupArg);
    const rooms = [groupRoom(groupId), memberRoom(groupId, userId)];
    const page = await enterRoom(ctx, groupId, userId, {
      // A legacy client joins its user's room too, so withdrawal reaches it.
      join: () => socket.join(token ? rooms : [...rooms, userRoom(userId)]),
      leave: () => {
        for (const room of rooms) void socket.leave(room);
      },
    });
    // To this socket only: the original sent it to the whole room, replacing everyone's list.
    socket.emit('chatList', page.messages);
  });

  // A legacy client names its user after the cursor: `(groupId, cursor, userId)`.
  handle('chatHistory', reads, 2, async (userId, [groupArg, cursorArg]) => {
    const groupId = parseGroupId(groupArg);
    const page = await readHistory(ctx, groupId, userId, parseCursor(cursorArg));
    socket.emit('chatHistory', { groupId, ...page });
  });

  handle(
    'reqMessage',
    { kind: 'message', bucket: buckets.message, message: CHAT.tooFast },
    1,
    async (userId, [groupArg, , messageArg]) => {
      const groupId = parseGroupId(groupArg);
      const saved = await postMessage(ctx, groupId, userId, parseMessage(messageArg));
      io.to(groupRoom(groupId)).emit('chatMessage', saved);
    },
  );
}

/**
 * Serves the chat on `server` and returns the function that closes it. Closing ends every chat
 * connection (websockets and long polls never end by themselves, so the HTTP server could not
 * finish closing otherwise); clients see a transport close and reconnect, to another process
 * when several run behind the load balancer.
 */
export async function attachChat(
  server: http.Server,
  ctx: Pick<AppContext, 'config' | 'events' | 'logger' | 'metrics' | 'now' | 'store'>,
): Promise<() => Promise<void>> {
  const { sockets } = chatMetricsOf(ctx.metrics.registry);
  const adapter = await createRoomAdapter(ctx);
  const io: ChatServer = new Server(server, {
    serveClient: false,
    maxHttpBufferSize: MAX_PACKET_BYTES,
    cors: {
      origin: ctx.config.http.corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization'],
    },
    ...(adapter.factory && { adapter: adapter.factory }),
  });
  // Behind a cluster primary, a session id names its process (long-polling is routed by it).
  if (cluster.isWorker) clusterSessionIds(io.engine);

  io.use((socket, next) => {
    authenticate(ctx, socket).then(
      (data) => {
        socket.data = data;
        next();
      },
      (err: unknown) => {
        // The client's `connect_error` carries the message, and the API's body in `data`.
        const message = describe(ctx, err, 'connect');
        const refusal: ExtendedError = Object.assign(new Error(message), {
          data: { success: false, message },
        });
        next(refusal);
      },
    );
  });
  // Cap checks still waiting for the other processes' answers: closing waits for them, since
  // the adapter cannot publish on closed connections.
  const capChecks = new Set<Promise<void>>();
  io.on('connection', (socket) => {
    sockets.inc();
    socket.once('disconnect', () => sockets.dec());
    registerHandlers(ctx, io, socket);
    const check = endOldestConnections(ctx, io, socket).catch((err: unknown) => {
      // Another process did not answer in time: the cap waits for the next connection.
      ctx.logger.warn('chat: connection cap not applied', {
        error: err instanceof Error ? err.message : String(err),
      });
    });
    capChecks.add(check);
    void check.finally(() => capChecks.delete(check));
  });

  /**
   * Applied here at once, then (with Redis) on every other process: through the adapter alone
   * it would reach this process only after a round trip through Redis, and a message sent in
   * between would still be delivered.
   */
  const everywhere = (room: string, act: (target: ReturnType<ChatServer['in']>) => void) => {
    act(io.local.in(room));
    if (adapter.factory) act(io.in(room));
  };
  const unsubscribe = ctx.events.subscribe({
    userLeftGroup(groupId, userId) {
      const member = memberRoom(groupId, userId);
      everywhere(member, (target) => target.socketsLeave([groupRoom(groupId), member]));
    },
    userWithdrawn(userId) {
      everywhere(userRoom(userId), (target) => target.disconnectSockets(true));
    },
    sessionEnded(_userId, sid) {
      everywhere(sessionRoom(sid), (target) => target.disconnectSockets(true));
    },
  });

  return async () => {
    unsubscribe();
    io.engine.close();
    await Promise.all(capChecks);
    await adapter.close();
  };
}
