import '../lib/locals';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError, unauthorized } from '../lib/errors';
import type { AppContext } from '../lib/context';
import { avatarUrl } from '../uploads';
import { userExists } from '../users/users.queries';
import { accountOf } from './accounts';
import { bearerToken } from './bearer';
import { AUTH } from './messages';
import { isSessionCurrent, isSessionOpen } from './sessions';
import { signAccessToken, verifyToken, type TokenClaims } from './tokens';

/** What reading a session's refresh token uses; signing a request in also logs. */
type RefreshDeps = Pick<AppContext, 'config' | 'now' | 'store'>;
type Deps = RefreshDeps & Pick<AppContext, 'logger' | 'metrics' | 'sequelize'>;

/** The signed-in user, as the original exposed it to controllers. */
export interface AuthUser {
  userId: string;
  nickname: string;
  profileUrl: string;
  agreeSMS: boolean;
  firstLogin: boolean;
  /** The login session the access token belongs to. */
  sid: string;
}

/**
 * The refresh token in `reAuthorization`, checked: signature, kind, expiry, the session's current
 * one, and its user still exists. With `expired` (the access token that ran out), it must also be
 * of that token's user and session.
 */
async function currentRefresh(
  ctx: RefreshDeps,
  req: Request,
  expired: TokenClaims | null,
): Promise<TokenClaims> {
  const header = req.headers.reauthorization;
  if (header === undefined) throw unauthorized(AUTH.refreshHeaderMissing);
  const refreshToken = bearerToken(String(header), {
    malformed: AUTH.refreshHeaderMalformed,
    notBearer: AUTH.refreshNotBearer,
  });
  const result = verifyToken(ctx, refreshToken, 'refresh');
  if (result.status === 'expired') throw unauthorized(AUTH.refreshExpired);
  if (result.status === 'invalid') throw unauthorized(AUTH.refreshInvalid);
  const refresh = result.claims;
  if (expired && (refresh.userId !== expired.userId || refresh.sid !== expired.sid)) {
    throw unauthorized(AUTH.refreshInvalid);
  }
  if (!(await isSessionCurrent(ctx, refresh))) throw unauthorized(AUTH.refreshUnknown);
  if (!(await userExists(refresh.userId))) {
    throw unauthorized(AUTH.tokenInvalid);
  }
  return refresh;
}

/**
 * The SPA's refresh protocol: 401 with a new access token in `token`. The client stores it and
 * retries the request once.
 */
function renewed(ctx: Pick<AppContext, 'config' | 'now'>, refresh: TokenClaims): AppError {
  return new AppError(401, AUTH.accessRenewed, {
    succcss: false,
    message: AUTH.accessRenewed,
    reason: AUTH.accessRenewedReason,
    token: signAccessToken(ctx, refresh.userId, refresh.sid),
  });
}

/** The access token has expired: renewed if `reAuthorization` holds its session's refresh token. */
async function renewAccess(ctx: RefreshDeps, req: Request, expired: TokenClaims): Promise<never> {
  throw renewed(ctx, await currentRefresh(ctx, req, expired));
}

/**
 * No access token where a user is needed. After a renewal the SPA can lose the new one and send
 * `Bearer undefined` with a valid refresh token: that is answered like an expired access token,
 * so the client recovers instead of signing out. Without a valid refresh token the answer stays
 * the one for a missing or bad access token (`message`).
 */
async function renewWithoutAccess(ctx: RefreshDeps, req: Request, message: string): Promise<never> {
  let refresh: TokenClaims;
  try {
    refresh = await currentRefresh(ctx, req, null);
  } catch (err) {
    // A key store or database failure stays a 503: it says nothing about the tokens.
    if (err instanceof AppError && err.status === 401) throw unauthorized(message);
    throw err;
  }
  throw renewed(ctx, refresh);
}

async function authenticate(ctx: Deps, req: Request, optional: boolean): Promise<AuthUser | null> {
  const header = req.headers.authorization;
  if (header === undefined) {
    if (optional) return null;
    return renewWithoutAccess(ctx, req, AUTH.headerMissing);
  }
  const token = bearerToken(header);
  // `undefined` is what the SPA sends when it has no access token cookie.
  if (token === 'undefined') {
    if (optional) return null;
    return renewWithoutAccess(ctx, req, AUTH.tokenInvalid);
  }

  const result = verifyToken(ctx, token, 'access');
  if (result.status === 'invalid') throw unauthorized(AUTH.tokenInvalid);
  if (result.status === 'expired') return renewAccess(ctx, req, result.claims);

  const { userId, sid } = result.claims;
  // Side by side: the session check (logout and withdrawal end it) and the account, usually
  // kept in this process (./accounts), whose generation is read beside the session.
  const [user, open] = await Promise.all([accountOf(ctx, userId), isSessionOpen(ctx, userId, sid)]);
  if (!user || !open) throw unauthorized(AUTH.tokenInvalid);
  return {
    userId: user.userId,
    nickname: user.nickname,
    profileUrl: avatarUrl(ctx.config, user.profileUrl),
    agreeSMS: user.agreeSMS,
    firstLogin: !user.likeLocation,
    sid,
  };
}

function middleware(ctx: Deps, optional: boolean): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.user = await authenticate(ctx, req, optional);
    next();
  };
}

/** A signed-in user is needed; anything else answers 401 with the SPA's messages. */
export const requireUser = (ctx: Deps) => middleware(ctx, false);

/** Guests (no header, or `Bearer undefined`) pass as `null`; a bad token still fails. */
export const optionalUser = (ctx: Deps) => middleware(ctx, true);

/** The user set by `requireUser`. */
export function currentUser(res: Response): AuthUser {
  const user = res.locals.user;
  if (!user) throw unauthorized(AUTH.headerMissing);
  return user;
}

/** The user set by `optionalUser`, or null for a guest. */
export function viewer(res: Response): AuthUser | null {
  return res.locals.user ?? null;
}
