import https from 'node:https';
import type net from 'node:net';
import type { Request, RequestHandler, Response } from 'express';
import { Passport, type AuthenticateOptions, type Strategy } from 'passport';
import { Strategy as KakaoStrategy, type Profile as KakaoProfile } from 'passport-kakao';
import { Strategy as NaverStrategy, type Profile as NaverProfile } from 'passport-naver-v2';
import type { VerifyCallback } from 'passport-oauth2';
import type { Config } from '../config';
import { AppError, badRequest } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { USER_MESSAGES } from './messages';

/**
 * The code exchange with Kakao and Naver, through passport's strategies (token request, then the
 * profile request). Passport runs without sessions: the SPA calls our callback with the code
 * over XHR and gets JSON, so the strategy's result is handed back to the caller as a promise.
 */
export type Provider = 'kakao' | 'naver';

const PROVIDER_NAMES: Record<Provider, string> = { kakao: '카카오', naver: '네이버' };

/** What we keep of a provider's profile. */
export interface ProviderProfile {
  provider: Provider;
  id: string;
  nickname: string | null;
  profileImage: string | null;
}

export interface SocialLogin {
  /** `GET /user/<provider>`: redirects to the provider (the server-initiated flow). */
  start(provider: Provider): RequestHandler;
  /** Exchanges the request's `code`; throws AppError with a status and Korean message. */
  exchange(provider: Provider, req: Request, res: Response): Promise<ProviderProfile>;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : null;

/** Kakao ids are numbers, Naver's strings; a missing id becomes '' (refused below). */
const idOf = (value: unknown): string =>
  typeof value === 'number' || typeof value === 'string' ? String(value) : '';

function fromKakao(profile: KakaoProfile): ProviderProfile {
  // `properties` is the older shape, `kakao_account.profile` the newer; accounts have either.
  const json = (profile._json ?? {}) as {
    properties?: { nickname?: unknown; profile_image?: unknown };
    kakao_account?: { profile?: { nickname?: unknown; profile_image_url?: unknown } };
  };
  const account = json.kakao_account?.profile;
  return {
    provider: 'kakao',
    id: idOf(profile.id),
    nickname: text(json.properties?.nickname) ?? text(account?.nickname),
    profileImage: text(json.properties?.profile_image) ?? text(account?.profile_image_url),
  };
}

function fromNaver(profile: NaverProfile): ProviderProfile {
  return {
    provider: 'naver',
    id: idOf(profile.id),
    nickname: text(profile.nickname),
    profileImage: text(profile.profileImage),
  };
}

/**
 * An agent whose sockets are destroyed after `ms` without traffic: the request deadline below
 * answers the client, this frees the connection to a provider that stopped answering.
 */
class DeadlineAgent extends https.Agent {
  constructor(private readonly idleMs: number) {
    super();
  }

  override createConnection(...args: Parameters<https.Agent['createConnection']>) {
    const socket = super.createConnection(...args) as net.Socket | null | undefined;
    socket?.setTimeout(this.idleMs, () => socket.destroy(new Error('provider timed out')));
    return socket;
  }
}

class ProviderTimeout extends Error {}

/** A profile without an id cannot be anyone: refuse the login rather than make an account. */
const withId = (profile: ProviderProfile): ProviderProfile | false =>
  profile.id.trim() !== '' ? profile : false;

/** Network failures and provider 5xx are "unavailable"; any other refusal is the code's fault. */
export function isProviderDown(err: unknown): boolean {
  if (err instanceof SyntaxError) return true;
  const e = err as { statusCode?: unknown; code?: unknown; oauthError?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.statusCode === 'number') return e.statusCode >= 500;
  if (typeof e.code === 'string' && /^E[A-Z]+/.test(e.code)) return true;
  return e.oauthError !== undefined && isProviderDown(e.oauthError);
}

export function createSocialLogin(config: Pick<Config, 'oauth'>, logger: Logger): SocialLogin {
  const passport = new Passport();
  const { kakao, naver, timeoutMs } = config.oauth;
  const agent = new DeadlineAgent(timeoutMs);
  /**
   * Both providers document the profile request with an `Authorization: Bearer` header; the
   * strategies' default puts the token in the query string instead (and so into proxy logs).
   */
  const tune = (strategy: Strategy) => {
    const client = (
      strategy as unknown as {
        _oauth2: {
          setAgent(a: https.Agent): void;
          useAuthorizationHeaderforGET(on: boolean): void;
        };
      }
    )._oauth2;
    client.setAgent(agent);
    client.useAuthorizationHeaderforGET(true);
  };

  if (kakao) {
    const strategy = new KakaoStrategy(
      {
        clientID: kakao.clientId,
        // Only needed when enabled in the Kakao console; the strategy sends a placeholder otherwise.
        clientSecret: kakao.clientSecret ?? undefined,
        callbackURL: kakao.redirectUri,
      },
      (_access, _refresh, profile, done) => done(null, withId(fromKakao(profile))),
    );
    tune(strategy);
    passport.use('kakao', strategy);
  }
  if (naver) {
    const strategy = new NaverStrategy(
      {
        clientID: naver.clientId,
        clientSecret: naver.clientSecret,
        callbackURL: naver.redirectUri,
      },
      (_access: string, _refresh: string, profile: NaverProfile, done: VerifyCallback) =>
        done(null, withId(fromNaver(profile))),
    );
    // Its bundled typings declare the class against another copy of passport's types.
    const asStrategy = strategy as unknown as Strategy;
    tune(asStrategy);
    passport.use('naver', asStrategy);
  }

  /** The `state` a provider's flow carries (Naver's; Kakao has none); 503 when it is off. */
  const expectedState = (provider: Provider): string | null => {
    const configured = provider === 'kakao' ? kakao : naver;
    if (!configured) {
      throw new AppError(503, USER_MESSAGES.loginNotConfigured(PROVIDER_NAMES[provider]));
    }
    return provider === 'naver' && naver ? naver.state : null;
  };

  const failure = (provider: Provider, err: unknown): AppError => {
    const name = PROVIDER_NAMES[provider];
    if (err instanceof ProviderTimeout) {
      logger.warn('social login timed out', { provider, timeoutMs });
      return new AppError(504, USER_MESSAGES.loginTimeout(name));
    }
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : JSON.stringify(err);
    if (isProviderDown(err)) {
      logger.warn('social login provider unavailable', { provider, reason });
      return new AppError(502, USER_MESSAGES.loginUnavailable(name));
    }
    logger.info('social login refused', { provider, reason });
    return new AppError(401, USER_MESSAGES.loginRejected(name));
  };

  return {
    start(provider) {
      return (req, res, next) => {
        const state = expectedState(provider);
        // Naver, as the original: ask again for the profile items the user declined.
        const options: AuthenticateOptions =
          state === null ? { session: false } : { session: false, state, authType: 'reprompt' };
        passport.authenticate(provider, options)(req, res, next);
      };
    },

    exchange(provider, req, res) {
      const expected = expectedState(provider);
      const { code, state } = req.query;
      // Without a code passport would start a new flow (a redirect), which an XHR cannot use.
      if (typeof code !== 'string' || code === '' || req.query.error !== undefined) {
        return Promise.reject(badRequest(USER_MESSAGES.loginBadRequest));
      }
      if (expected !== null && state !== expected) {
        return Promise.reject(badRequest(USER_MESSAGES.loginBadRequest));
      }
      return new Promise<ProviderProfile>((resolve, reject) => {
        const timer = setTimeout(() => reject(failure(provider, new ProviderTimeout())), timeoutMs);
        // Whatever comes after the deadline (a late answer, a late error) is ignored.
        const settle = (err: unknown, profile?: ProviderProfile | false) => {
          clearTimeout(timer);
          if (err || !profile) reject(failure(provider, err ?? 'no profile'));
          else resolve(profile);
        };
        passport.authenticate(
          provider,
          { session: false },
          (err: unknown, profile: ProviderProfile | false) => settle(err, profile),
        )(req, res, (err: unknown) => settle(err ?? 'passport passed the request on'));
      });
    },
  };
}
