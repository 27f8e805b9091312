import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../lib/context';
import { UnavailableError } from '../lib/errors';
import { failOpen } from '../store/fail-open';
import { signAccessToken, signRefreshToken, type SessionTokens, type TokenClaims } from './tokens';

/**
 * Login sessions in the key store: each session's current refresh token id (`sessionKey`), and
 * the list of a user's sessions, so withdrawal can revoke every one of them. The key store has
 * no key listing (and Redis KEYS/SCAN is no tool for a request path), so each user's session ids
 * are kept in one value beside the sessions, with their expiry: entries past it are dropped on
 * the next write, which keeps the list as short as the number of live sessions.
 *
 * The read-modify-write runs under a short per-user lock so two logins at the same moment both
 * land in the list.
 */
type Ctx = Pick<AppContext, 'store' | 'config' | 'now'>;
interface Entry {
  sid: string;
  /** Epoch ms. */
  exp: number;
}

/** Where a session's current refresh token id lives, with the refresh lifetime. */
export const sessionKey = (userId: string, sid: string) => `refresh:${userId}:${sid}`;
const indexKey = (userId: string) => `sessions:${userId}`;
const lockKey = (userId: string) => `sessions-lock:${userId}`;
const LOCK_TTL_SECONDS = 5;
const LOCK_TRIES = 100;
const LOCK_WAIT_MS = 20;

async function withUserLock<T>(ctx: Ctx, userId: string, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < LOCK_TRIES; attempt += 1) {
    if (await ctx.store.setIfAbsent(lockKey(userId), '1', LOCK_TTL_SECONDS)) {
      try {
        return await work();
      } finally {
        await ctx.store.del(lockKey(userId));
      }
    }
    await sleep(LOCK_WAIT_MS);
  }
  throw new UnavailableError();
}

async function readIndex(ctx: Ctx, userId: string): Promise<Entry[]> {
  const raw = await ctx.store.get(indexKey(userId));
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as Entry[]) : [];
  } catch {
    return [];
  }
}

/** Starts a session for the user: a refresh token stored with its lifetime, and an access token. */
export async function startSession(
  ctx: Ctx,
  userId: string,
  options: { accessTtlSeconds?: number } = {},
): Promise<SessionTokens> {
  const sid = crypto.randomUUID();
  const jti = crypto.randomBytes(16).toString('base64url');
  await ctx.store.set(sessionKey(userId, sid), jti, ctx.config.jwt.refreshTtlSeconds);
  // Listed per user, so withdrawal can end every session, whoever started it (login or CLI).
  await recordSession(ctx, userId, sid);
  return {
    sid,
    token: signAccessToken(ctx, userId, sid, options.accessTtlSeconds),
    refreshToken: signRefreshToken(ctx, userId, sid, jti),
  };
}

/** Adds a session just started by {@link startSession} to the user's list. */
async function recordSession(ctx: Ctx, userId: string, sid: string): Promise<void> {
  const ttl = ctx.config.jwt.refreshTtlSeconds;
  const now = ctx.now().getTime();
  await withUserLock(ctx, userId, async () => {
    const live = (await readIndex(ctx, userId)).filter((e) => e.exp > now);
    live.push({ sid, exp: now + ttl * 1000 });
    await ctx.store.set(indexKey(userId), JSON.stringify(live), ttl);
  });
}

/** Ends every recorded session of the user (their refresh tokens stop working at once). */
export async function revokeAllSessions(ctx: Ctx, userId: string): Promise<void> {
  await withUserLock(ctx, userId, async () => {
    for (const { sid } of await readIndex(ctx, userId)) await endSession(ctx, userId, sid);
    await ctx.store.del(indexKey(userId));
  });
}

/** True while the session's stored refresh token id is the one presented. */
export async function isSessionCurrent(
  ctx: Pick<AppContext, 'store'>,
  claims: TokenClaims,
): Promise<boolean> {
  const stored = await ctx.store.get(sessionKey(claims.userId, claims.sid));
  return stored !== null && claims.jti !== undefined && stored === claims.jti;
}

const sessionCheck = failOpen({
  operation: 'session_check',
  skipped: 'session checks skipped while the key store is unavailable',
  back: 'session checks: key store answers again',
});

/**
 * True while the login session exists (logout and withdrawal delete it, so the access tokens
 * of that session stop working at once). While the key store does not answer, true: requests
 * with a valid access token go on during an outage, as they did before sessions were checked.
 */
export async function isSessionOpen(
  ctx: Pick<AppContext, 'store' | 'logger' | 'metrics'>,
  userId: string,
  sid: string,
): Promise<boolean> {
  return sessionCheck(
    ctx,
    async () => (await ctx.store.get(sessionKey(userId, sid))) !== null,
    true,
  );
}

/** Ends one session (logout): its refresh token stops working. */
export async function endSession(ctx: Pick<AppContext, 'store'>, userId: string, sid: string) {
  await ctx.store.del(sessionKey(userId, sid));
}
