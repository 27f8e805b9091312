import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AppContext } from '../lib/context';

/**
 * Our own JWTs. Access and refresh tokens carry a `typ` claim and are only accepted as their
 * own kind. Each login starts a session (`sid`, see `startSession` in ./sessions); the
 * session's refresh token id lives in the key store with the refresh lifetime, so logout
 * (deleting it) ends the session.
 */
export type TokenType = 'access' | 'refresh';

export interface TokenClaims {
  userId: string;
  sid: string;
  typ: TokenType;
  jti?: string;
  exp: number;
}

export type VerifyResult =
  | { status: 'valid'; claims: TokenClaims }
  | { status: 'expired'; claims: TokenClaims }
  | { status: 'invalid' };

export interface SessionTokens {
  token: string;
  refreshToken: string;
  sid: string;
}

const ISSUER = 'erunjrun';
const ALGORITHM = 'HS256';

/**
 * The HMAC key as a KeyObject, made once per secret. Given the secret as a string,
 * jsonwebtoken first tries to parse it as a public key on every verification (and fails, an
 * exception each time): that was a fifth of the CPU of a signed-in request.
 */
const keys = new Map<string, crypto.KeyObject>();
function keyOf(ctx: Pick<AppContext, 'config'>): crypto.KeyObject {
  const secret = ctx.config.jwt.secret;
  let key = keys.get(secret);
  if (!key) {
    key = crypto.createSecretKey(Buffer.from(secret));
    keys.set(secret, key);
  }
  return key;
}

/** Issued-at from the context clock, so expiry follows the same clock that checks it. */
const issuedAt = (ctx: Pick<AppContext, 'now'>) => Math.floor(ctx.now().getTime() / 1000);

export function signAccessToken(
  ctx: Pick<AppContext, 'config' | 'now'>,
  userId: string,
  sid: string,
  ttlSeconds = ctx.config.jwt.accessTtlSeconds,
): string {
  return jwt.sign({ userId, sid, typ: 'access', iat: issuedAt(ctx) }, keyOf(ctx), {
    algorithm: ALGORITHM,
    issuer: ISSUER,
    expiresIn: ttlSeconds,
  });
}

export function signRefreshToken(
  ctx: Pick<AppContext, 'config' | 'now'>,
  userId: string,
  sid: string,
  jti: string,
) {
  return jwt.sign({ userId, sid, typ: 'refresh', iat: issuedAt(ctx) }, keyOf(ctx), {
    algorithm: ALGORITHM,
    issuer: ISSUER,
    expiresIn: ctx.config.jwt.refreshTtlSeconds,
    jwtid: jti,
  });
}

/**
 * Tokens whose signature and issuer were checked, per key: the same token checks the same way
 * every time (expiry aside, which is checked on every use), and a signed-in client sends its
 * token with every request: the HMAC and the parsing were about 3 % of the API's CPU on
 * signed-in reads.
 * Only tokens that passed are kept, at most `MAX_VERIFIED` per key (then it starts over).
 */
const verified = new WeakMap<crypto.KeyObject, Map<string, unknown>>();
const MAX_VERIFIED = 10_000;

function checkedPayload(ctx: Pick<AppContext, 'config'>, token: string): unknown {
  const key = keyOf(ctx);
  let known = verified.get(key);
  if (!known) {
    known = new Map();
    verified.set(key, known);
  }
  const hit = known.get(token);
  if (hit !== undefined) return hit;
  const decoded = jwt.verify(token, key, {
    algorithms: [ALGORITHM],
    issuer: ISSUER,
    ignoreExpiration: true,
  });
  if (known.size >= MAX_VERIFIED) known.clear();
  known.set(token, Object.freeze(decoded));
  return decoded;
}

/** Checks signature, issuer, kind and expiry (against the context clock). */
export function verifyToken(
  ctx: Pick<AppContext, 'config' | 'now'>,
  token: string,
  typ: TokenType,
): VerifyResult {
  let decoded: unknown;
  try {
    decoded = checkedPayload(ctx, token);
  } catch {
    return { status: 'invalid' };
  }
  const claims = decoded as Partial<TokenClaims>;
  if (
    claims.typ !== typ ||
    typeof claims.userId !== 'string' ||
    typeof claims.sid !== 'string' ||
    typeof claims.exp !== 'number'
  ) {
    return { status: 'invalid' };
  }
  const valid = claims as TokenClaims;
  if (valid.exp * 1000 <= ctx.now().getTime()) return { status: 'expired', claims: valid };
  return { status: 'valid', claims: valid };
}
