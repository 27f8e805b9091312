import crypto from 'node:crypto';
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config';
import { bootstrap, type Runtime } from '../../src/bootstrap';
import type { AppContext } from '../../src/lib/context';
import { createApp } from '../../src/app';
import { startSession } from '../../src/auth/sessions';
import type { SessionTokens } from '../../src/auth/tokens';
import { User } from '../../src/db/models';

export interface TestContext extends Runtime {
  app: Express;
}

/** The app on the test database and key store, built in-process (nothing listens). */
export async function createTestContext(overrides: Partial<Config> = {}): Promise<TestContext> {
  const config = { ...loadConfig(process.env), ...overrides };
  const runtime = await bootstrap(config, { migrate: false });
  return Object.assign(runtime, { app: createApp(runtime) });
}

export const uniqueSuffix = () => crypto.randomBytes(4).toString('hex');

export async function createUser(attrs: Partial<User> = {}): Promise<User> {
  return User.create({
    nickname: `u${uniqueSuffix()}`.slice(0, 8),
    profileUrl: 'https://example.com/profile.png',
    likeLocation: '1',
    likeDistance: '2',
    userLevel: '오렌지',
    social: 'kakao',
    socialId: `k-${uniqueSuffix()}${uniqueSuffix()}`,
    ...attrs,
  } as User);
}

export async function signIn(
  ctx: Pick<AppContext, 'config' | 'store' | 'now'>,
  user: User,
  accessTtlSeconds?: number,
): Promise<SessionTokens> {
  return startSession(ctx, user.userId, { accessTtlSeconds });
}

/** The two headers the SPA sends on every request. */
export function authHeaders(tokens: Partial<SessionTokens>): Record<string, string> {
  return {
    Authorization: `Bearer ${tokens.token ?? 'undefined'}`,
    reAuthorization: `Bearer ${tokens.refreshToken ?? 'undefined'}`,
  };
}
