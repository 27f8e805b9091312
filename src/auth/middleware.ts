import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError, unauthorized } from '../lib/errors';
import type { AppContext } from '../lib/context';
import { User } from '../users/user.model';
import { AUTH } from './messages';
import { isSessionCurrent } from './sessions';
import { signAccessToken, verifyToken, type TokenClaims } from './tokens';

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

/** Splits `Bearer <token>`; the failure messages differ between the two headers. */
function bearer(header: string, messages: { malformed: string; notBearer: string }): string {
  const parts = header.split(' ');
  if (parts.length !== 2) throw unauthorized(messages.malformed);
  if (parts[0] !== 'Bearer') throw unauthorized(messages.notBearer);
  return parts[1];
}

/**
 * The SPA's refresh protocol: the access token has expired, so if `reAuthorization` holds the
 * session's current refresh token, answer 401 with a new access token in `token`. The client
 * stores it and retries the request once.
 */
async function renewAccess(ctx: AppContext, req: Request, expired: TokenClaims): Promise<never> {
  const header = req.headers.reauthorization;
  if (header === undefined) throw unauthorized(AUTH.refreshHeaderMissing);
  const refreshToken = bearer(String(header), {
    malformed: AUTH.refreshHeaderMalformed,
    notBearer: AUTH.refreshNotBearer,
  });
  const result = verifyToken(ctx, refreshToken, 'refresh');
  if (result.status === 'expired') throw unauthorized(AUTH.refreshExpired);
  if (result.status === 'invalid') throw unauthorized(AUTH.refreshInvalid);
  const refresh = result.claims;
  if (refresh.userId !== expired.userId || refresh.sid !== expired.sid) {
    throw unauthorized(AUTH.refreshInvalid);
  }
  if (!(await isSessionCurrent(ctx, refresh))) throw unauthorized(AUTH.refreshUnknown);
  if ((await User.count({ where: { userId: refresh.userId } })) === 0) {
    throw unauthorized(AUTH.tokenInvalid);
  }
  throw new AppError(401, AUTH.accessRenewed, {
    succcss: false,
    message: AUTH.accessRenewed,
    reason: AUTH.accessRenewedReason,
    token: signAccessToken(ctx, refresh.userId, refresh.sid),
  });
}

async function authenticate(
  ctx: AppContext,
  req: Request,
  optional: boolean,
): Promise<AuthUser | null> {
  const header = req.headers.authorization;
  if (header === undefined) {
    if (optional) return null;
    throw unauthorized(AUTH.headerMissing);
  }
  const token = bearer(header, { malformed: AUTH.headerMalformed, notBearer: AUTH.notBearer });
  // What the SPA sends when it has no access token cookie.
  if (optional && token === 'undefined') return null;

  const result = verifyToken(ctx, token, 'access');
  if (result.status === 'invalid') throw unauthorized(AUTH.tokenInvalid);
  if (result.status === 'expired') return renewAccess(ctx, req, result.claims);

  const user = await User.findByPk(result.claims.userId, {
    attributes: ['userId', 'nickname', 'profileUrl', 'agreeSMS', 'likeLocation'],
    raw: true,
  });
  if (!user) throw unauthorized(AUTH.tokenInvalid);
  return {
    userId: user.userId,
    nickname: user.nickname,
    profileUrl: user.profileUrl,
    agreeSMS: Boolean(user.agreeSMS),
    firstLogin: !user.likeLocation,
    sid: result.claims.sid,
  };
}

function middleware(ctx: AppContext, optional: boolean): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.user = await authenticate(ctx, req, optional);
    next();
  };
}

/** A signed-in user is needed; anything else answers 401 with the SPA's messages. */
export const requireUser = (ctx: AppContext) => middleware(ctx, false);

/** Guests (no header, or `Bearer undefined`) pass as `null`; a bad token still fails. */
export const optionalUser = (ctx: AppContext) => middleware(ctx, true);

/** The user set by `requireUser`. */
export function currentUser(res: Response): AuthUser {
  const user = res.locals.user as AuthUser | null | undefined;
  if (!user) throw unauthorized(AUTH.headerMissing);
  return user;
}

/** The user set by `optionalUser`, or null for a guest. */
export function viewer(res: Response): AuthUser | null {
  return (res.locals.user as AuthUser | null | undefined) ?? null;
}
