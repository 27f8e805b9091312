import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config';
import { bootstrap, type Runtime } from '../../src/bootstrap';
import type { AppContext } from '../../src/lib/context';
import { createApp } from '../../src/app';
import { startSession } from '../../src/auth/sessions';
import type { SessionTokens } from '../../src/auth/tokens';
import type { User } from '../../src/db/models';
import { testClock, type TestClock } from './clock';

export interface TestContext extends Runtime {
  app: Express;
  /** The app's clock (`now`): real time until a test sets or advances it. */
  clock: TestClock;
  /** The folder the app stores images in when S3 is off. */
  imageDir: string;
}

/** The app on the test database and key store, built in-process (nothing listens). */
export async function createTestContext(overrides: Partial<Config> = {}): Promise<TestContext> {
  const config = { ...loadConfig(process.env), ...overrides };
  return toTestContext(await bootstrap(config, { migrate: false }));
}

/** A runtime built by a test itself (on a database of its own), with the app and the clock. */
export function toTestContext(runtime: Runtime): TestContext {
  const clock = testClock();
  runtime.now = () => clock.now();
  return Object.assign(runtime, {
    app: createApp(runtime),
    clock,
    imageDir: runtime.config.images.localDir,
  });
}

export interface TestContextOptions {
  /** Settings over the test environment's (a function receives the environment's). */
  config?: Partial<Config> | ((base: Config) => Partial<Config>);
  /** Images in a folder of the test file's own, removed after, so a test sees exactly its files. */
  ownImageDir?: boolean;
}

/**
 * A test file's context: built before its tests (`use` receives it), closed after them (its own
 * image folder removed).
 */
export function useTestContext(
  use: (ctx: TestContext) => void | Promise<void>,
  options: TestContextOptions = {},
): void {
  let ctx: TestContext | undefined;
  let ownDir: string | undefined;
  beforeAll(async () => {
    const base = loadConfig(process.env);
    let overrides =
      typeof options.config === 'function' ? options.config(base) : (options.config ?? {});
    if (options.ownImageDir) {
      ownDir = path.join(base.dataDir, `images-${uniqueSuffix()}`);
      overrides = {
        ...overrides,
        images: { ...base.images, ...overrides.images, localDir: ownDir },
      };
    }
    ctx = await createTestContext(overrides);
    await use(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
    if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
  });
}

export const uniqueSuffix = () => crypto.randomBytes(4).toString('hex');

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
