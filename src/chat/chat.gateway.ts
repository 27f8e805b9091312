import type http from 'node:http';
import { BaseError, ConnectionError } from 'sequelize';
import { Server, type ExtendedError, type Socket } from 'socket.io';
import { AUTH } from '../auth/messages';
import { verifyToken } from '../auth/tokens';
import type { AppContext } from '../lib/context';
import { AppError, forbidden, unauthorized } from '../lib/errors';
import { MESSAGES } from '../lib/error-handler';
import { createRoomAdapter } from './chat.adapter';
import type { ChatMessage } from './chat.mapper';
import { assertUser, enterRoom, postMessage, readHistory, type HistoryPage } from './chat.service';
import { parseCursor, parseGroupId, parseMessage } from './chat.validators';
import { CHAT } from './messages';
import { TokenBucket } from './rate-limit';

/**
 * Group chat over socket.io, on the API's own HTTP server and CORS origins, with the SPA's events
 * (`chatRoom`, `reqMessage` → `chatList`, `chatMessage`) and `chatHistory` for older pages.
 *
 * Unlike the original, nothing is anonymous: the handshake must carry an access token, the user
 * it names is the only identity used, and every event checks that this user has applied to the
 * group. Every refusal or failure is an `error` event with a Korean message.
 */

/** Client events take whatever the client sends; the validators narrow it. */
type ClientEvents = Record<'chatRoom' | 'reqMessage' | 'chatHistory', (...args: unknown[]) => void>;

export interface ErrorPayload {
  success: false;
  message: string;
  /** The client event that was refused. */
  event: string;
}

interface ServerEvents {
  chatList: (messages: ChatMessage[]) => void;
  chatMessage: (message: ChatMessage) => void;
  chatHistory: (page: HistoryPage & { groupId: string }) => void;
  error: (payload: ErrorPayload) => void;
}

interface SocketData {
  userId: string;
  /** When the handshake's access token expires (ms): later events are refused. */
  expiresAt: number;
}

type ChatSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, SocketData>;
type ChatServer = Server<ClientEvents, ServerEvents, Record<string, never>, SocketData>;

/**
 * Per connection and per 10 seconds, in bursts or spread out: 10 messages, and 20 reads (joins
 * and history pages), each of which is a database query.
 */
const RATE_WINDOW_MS = 10_000;
const MESSAGE_RATE = 10;
const READ_RATE = 20;
/** Socket.io's default is 1 MB; a chat packet is at most a few kilobytes. */
const MAX_PACKET_BYTES = 64 * 1024;

const roomOf = (groupId: string) => `group:${groupId}`;

/** `auth.token` (browsers cannot set headers on a websocket), else `Authorization: Bearer`. */
function handshakeToken(handshake: ChatSocket['handshake']): string {
  const auth = handshake.auth as { token?: unknown };
  if (auth.token !== undefined) {
    if (typeof auth.token !== 'string') throw unauthorized(AUTH.tokenInvalid);
    return auth.token;
  }
  const header = handshake.headers.authorization;
  if (header === undefined) throw unauthorized(AUTH.headerMissing);
  const parts = header.split(' ');
  if (parts.length !== 2) throw unauthorized(AUTH.headerMalformed);
  if (parts[0] !== 'Bearer') throw unauthorized(AUTH.notBearer);
  return parts[1];
}

async function authenticate(ctx: AppContext, socket: ChatSocket): Promise<SocketData> {
  const result = verifyToken(ctx, handshakeToken(socket.handshake), 'access');
  if (result.status === 'invalid') throw unauthorized(AUTH.tokenInvalid);
  // No refresh protocol on a socket: the client renews through the API and connects again.
  if (result.status === 'expired') throw unauthorized(AUTH.accessRenewed);
  await assertUser(result.claims.userId);
  return { userId: result.claims.userId, expiresAt: result.claims.exp * 1000 };
}

/** The client-safe message of a failure; unexpected ones are logged, never sent. */
function describe(ctx: AppContext, err: unknown, event: string): string {
  if (err instanceof AppError) return err.message;
  if (
    err instanceof ConnectionError ||
    (err instanceof BaseError && /Timeout|Connection/.test(err.name))
  ) {
    ctx.logger.warn('chat: database unavailable', { event, error: err.message });
    return MESSAGES.unavailable;
  }
  ctx.logger.error('chat event failed', {
    event,
    error: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
  return MESSAGES.internal;
}

/** The SPA sends its stored userId along; it may only name the signed-in user. */
function checkClaimedUser(claimed: unknown, userId: string) {
  if (claimed !== undefined && claimed !== null && claimed !== userId) {
    throw forbidden(CHAT.wrongUser);
  }
}

function registerHandlers(ctx: AppContext, io: ChatServer, socket: ChatSocket) {
  const { userId } = socket.data;
  const started = ctx.now().getTime();
  const buckets = {
    message: new TokenBucket(MESSAGE_RATE, RATE_WINDOW_MS, started),
    read: new TokenBucket(READ_RATE, RATE_WINDOW_MS, started),
  };
  const refuse = (event: string, message: string) => {
    socket.emit('error', { success: false, message, event });
  };
  // One event at a time per connection: a sender's messages are stored and broadcast in the
  // order they were sent, and one client holds at most one database query at a time.
  let queue = Promise.resolve();

  /** Every handler runs here: a refusal, a thrown error or a database failure is an `error` event. */
  const handle = (
    event: keyof ClientEvents,
    limit: { bucket: TokenBucket; message: string },
    handler: (...args: unknown[]) => Promise<void>,
  ) => {
    socket.on(event, (...args: unknown[]) => {
      const now = ctx.now().getTime();
      // The connection outlives its token: once the token has expired, the client must renew it
      // and connect again rather than keep using the room.
      if (now >= socket.data.expiresAt) {
        refuse(event, AUTH.accessRenewed);
        socket.disconnect(true);
        return;
      }
      // Counted on arrival, before the queue, so a slow database does not widen the limit.
      if (!limit.bucket.take(now)) {
        refuse(event, limit.message);
        return;
      }
      queue = queue
        .then(() => handler(...args))
        .catch((err: unknown) => refuse(event, describe(ctx, err, event)));
    });
  };
  const reads = { bucket: buckets.read, message: CHAT.tooManyRequests };

  handle('chatRoom', reads, async (groupArg, userArg) => {
    const groupId = parseGroupId(groupArg);
    checkClaimedUser(userArg, userId);
    const page = await enterRoom(groupId, userId, () => socket.join(roomOf(groupId)));
    // To this socket only: the original sent it to the whole room, replacing everyone's list.
    socket.emit('chatList', page.messages);
  });

  handle('chatHistory', reads, async (groupArg, cursorArg) => {
    const groupId = parseGroupId(groupArg);
    const page = await readHistory(groupId, userId, parseCursor(cursorArg));
    socket.emit('chatHistory', { groupId, ...page });
  });

  handle(
    'reqMessage',
    { bucket: buckets.message, message: CHAT.tooFast },
    async (groupArg, userArg, messageArg) => {
      const groupId = parseGroupId(groupArg);
      checkClaimedUser(userArg, userId);
      const saved = await postMessage(ctx, groupId, userId, parseMessage(messageArg));
      io.to(roomOf(groupId)).emit('chatMessage', saved);
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
  ctx: AppContext,
): Promise<() => Promise<void>> {
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
  io.on('connection', (socket) => registerHandlers(ctx, io, socket));

  return async () => {
    io.engine.close();
    await adapter.close();
  };
}
