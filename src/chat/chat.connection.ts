import type { Server, Socket } from 'socket.io';
import { bearerToken } from '../auth/bearer';
import { AUTH } from '../auth/messages';
import { isSessionOpen } from '../auth/sessions';
import { verifyToken } from '../auth/tokens';
import type { AppContext } from '../lib/context';
import { forbidden, unauthorized } from '../lib/errors';
import { describeError } from '../lib/error-handler';
import type { ChatMessage } from './chat.mapper';
import { assertUser, type HistoryPage } from './chat.service';
import { parseUserId } from './chat.validators';
import { CHAT } from './messages';

/**
 * A chat connection: its events, who it acts as (the handshake's token, or in legacy mode the
 * userId each event names), the rooms it is in, and the failures told to it. The events
 * themselves are handled in `chat.gateway.ts`.
 */

/** Client events take whatever the client sends; the validators narrow it. */
export type ClientEvents = Record<
  'chatRoom' | 'reqMessage' | 'chatHistory',
  (...args: unknown[]) => void
>;

export interface ErrorPayload {
  success: false;
  message: string;
  /** The client event that was refused, or `connection` when the server ends the connection. */
  event: string;
}

export interface ServerEvents {
  chatList: (messages: ChatMessage[]) => void;
  chatMessage: (message: ChatMessage) => void;
  chatHistory: (page: HistoryPage & { groupId: string }) => void;
  error: (payload: ErrorPayload) => void;
}

export interface SocketData {
  /**
   * The access token's user and session, and when the token expires (ms). Null for a legacy
   * client (no token), which names its user in each event.
   */
  token: { userId: string; sid: string; expiresAt: number } | null;
  /** Connection order (ms, then a count within the process), to find a user's oldest. */
  connectedAt: number;
  seq: number;
}

export type ChatSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, SocketData>;
export type ChatServer = Server<ClientEvents, ServerEvents, Record<string, never>, SocketData>;

export const groupRoom = (groupId: string) => `group:${groupId}`;
export const memberRoom = (groupId: string, userId: string) =>
  `member:${JSON.stringify([groupId, userId])}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sid: string) => `session:${sid}`;

/** Handshakes seen by this process: orders connections made within the same millisecond. */
let handshakes = 0;

/**
 * `auth.token` (browsers cannot set headers on a websocket), else `Authorization: Bearer`; null
 * when the client presents neither.
 */
function handshakeToken(handshake: ChatSocket['handshake']): string | null {
  const auth = handshake.auth as { token?: unknown };
  if (auth.token !== undefined) {
    if (typeof auth.token !== 'string') throw unauthorized(AUTH.tokenInvalid);
    return auth.token;
  }
  const header = handshake.headers.authorization;
  return header === undefined ? null : bearerToken(header);
}

export async function authenticate(
  ctx: Pick<AppContext, 'config' | 'logger' | 'metrics' | 'now' | 'store'>,
  socket: ChatSocket,
): Promise<SocketData> {
  const token = handshakeToken(socket.handshake);
  handshakes += 1;
  const order = { connectedAt: Date.now(), seq: handshakes };
  if (token === null) {
    if (!ctx.config.chat.legacyClients) throw unauthorized(AUTH.headerMissing);
    return { token: null, ...order };
  }
  const result = verifyToken(ctx, token, 'access');
  if (result.status === 'invalid') throw unauthorized(AUTH.tokenInvalid);
  // No refresh protocol on a socket: the client renews through the API and connects again.
  if (result.status === 'expired') throw unauthorized(AUTH.accessRenewed);
  const { userId, sid, exp } = result.claims;
  const [, open] = await Promise.all([assertUser(userId), isSessionOpen(ctx, userId, sid)]);
  if (!open) throw unauthorized(AUTH.tokenInvalid);
  return { token: { userId, sid, expiresAt: exp * 1000 }, ...order };
}

/** The client-safe message of a failure; unexpected ones are logged, never sent. */
export function describe(ctx: Pick<AppContext, 'logger'>, err: unknown, event: string): string {
  const failure = describeError(err);
  const error = err instanceof Error ? err.message : String(err);
  if (failure.kind === 'unavailable') {
    ctx.logger.warn('chat: database unavailable', { event, error });
  } else if (failure.kind === 'unexpected') {
    ctx.logger.error('chat event failed', {
      event,
      error,
      stack: err instanceof Error ? err.stack : undefined,
    });
  }
  return failure.message;
}

/**
 * The user an event acts as. With a token, the token's: the userId the SPA sends along may only
 * name that user. Without one (legacy mode), the userId the event names.
 */
export function actingUser(socket: ChatSocket, claimed: unknown): string {
  const { token } = socket.data;
  if (token === null) return parseUserId(claimed);
  if (claimed !== undefined && claimed !== null && claimed !== token.userId) {
    throw forbidden(CHAT.wrongUser);
  }
  return token.userId;
}

/**
 * At most `CHAT_MAX_SOCKETS_PER_USER` token connections per user, over every process (the
 * adapter asks them all): a new connection ends the oldest ones, which are told why. Legacy
 * connections are not counted (they prove no identity, so counting them would let anyone end
 * a member's connections).
 */
export async function endOldestConnections(
  ctx: Pick<AppContext, 'config'>,
  io: ChatServer,
  socket: ChatSocket,
) {
  const { token } = socket.data;
  if (!token) return;
  const sockets = (await io.in(userRoom(token.userId)).fetchSockets()).filter(
    (other) => other.data.token?.userId === token.userId,
  );
  const excess = sockets.length - ctx.config.chat.maxSocketsPerUser;
  if (excess <= 0) return;
  sockets.sort((a, b) => a.data.connectedAt - b.data.connectedAt || a.data.seq - b.data.seq);
  for (const old of sockets.slice(0, excess)) {
    old.emit('error', { success: false, message: CHAT.tooManyConnections, event: 'connection' });
    old.disconnect(true);
  }
}
