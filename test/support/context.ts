import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import winston from 'winston';
import { loadConfig, type Config } from '../../src/config';
import { bootstrap, type Runtime } from '../../src/bootstrap';
import type { AppContext } from '../../src/lib/context';
import { createApp } from '../../src/app';
import { startSession } from '../../src/auth/sessions';
import type { SessionTokens } from '../../src/auth/tokens';
import type { User } from '../../src/db/models';
import { testClock, type TestClock } from './clock';
import { createOwnDatabase, type OwnDatabase } from './database';

export interface TestContext extends Runtime {
  app: Express;
  /** The app's clock (`now`): real time until a test sets or advances it. */
  clock: TestClock;
  /** The folder the app stores images in when S3 is off. */
  imageDir: string;
}

/** The app on the test database and key store, built in-process (nothing listens). */
export async function createTestContext(
  overrides: Partial<Config> = {},
  { migrate = false }: { migrate?: boolean } = {},
): Promise<TestContext> {
  const config = { ...loadConfig(process.env), ...overrides };
  return toTestContext(await bootstrap(config, { migrate }));
}

/**
 * With the tests' silent logs, a 500 that a test did not expect shows only as its status. The
 * error behind each 500 answer (an error the app did not anticipate: no AppError) is printed on
 * stderr, its message and then its stack, so a failure seen once in a full run can be traced
 * (Sequelize gives its errors the stack of the query's call, whose first line has no message);
 * the few tests that provoke one on purpose print theirs too.
 */
function printUnexpectedErrors(runtime: Runtime): void {
  const { logger } = runtime;
  if (!logger.silent) return;
  const printer = new Writable({
    objectMode: true,
    write(entry: Record<string, unknown>, _encoding, done) {
      if (entry.status === 500) {
        process.stderr.write(
          `[test] 500 on ${String(entry.method)} ${String(entry.path)}: ${String(entry.error)}\n` +
            `${String(entry.stack ?? '')}\n`,
        );
      }
      done();
    },
  });
  logger.clear();
  logger.add(new winston.transports.Stream({ stream: printer, level: 'error' }));
  logger.level = 'error';
  logger.silent = false;
}

/** A runtime built by a test itself (on a database of its own), with the app and the clock. */
function toTestContext(runtime: Runtime): TestContext {
  printUnexpectedErrors(runtime);
  const clock = testClock();
  runtime.now = () => clock.now();
  return Object.assign(runtime, {
    app: createApp(runtime),
    clock,
    imageDir: runtime.config.images.localDir,
  });
}

export interface TestContextOptions {
  /**
   * Settings over the test environment's. A function receives the environment's and may be
   * async, to start the fakes (S3, SENS, a private Redis) the settings point at first.
   */
  config?: Partial<Config> | ((base: Config) => Partial<Config> | Promise<Partial<Config>>);
  /**
   * Images in a folder of the test file's own (S3 off), removed after, so a test sees exactly
   * its files (`ctx.imageDir`).
   */
  ownImageDir?: boolean;
  /**
   * A key store of the file's own (a Redis key prefix, or a SQLite key store file, removed
   * after), so keys other test files write at the same time are not seen.
   */
  ownKeyStore?: boolean;
  /**
   * A database of the file's own (`createOwnDatabase`: a scratch MariaDB database beside the
   * configured one, or a SQLite file in the data folder), migrated first and dropped after: for
   * a file that changes the schema (a table of the original's), which the other files' processes
   * must not see, or that needs MariaDB in the embedded run too (its `config` sets DB_URL).
   */
  ownDatabase?: boolean;
  /** Migrate the database first (one the file created itself, not yet migrated). */
  migrate?: boolean;
  /** Run before the context is closed: stops what was built on it (servers, chat). */
  beforeClose?: () => void | Promise<void>;
  /** Run after the context is closed (also when building it failed): stops the file's fakes. */
  teardown?: () => void | Promise<void>;
}

/**
 * A test file's context: built before its tests (`use` receives it), closed after them (`beforeClose`
 * run first; its own image folder and key store removed, then `teardown` run).
 */
export function useTestContext(
  use: (ctx: TestContext) => void | Promise<void>,
  options: TestContextOptions = {},
): void {
  let ctx: TestContext | undefined;
  const ownFiles: string[] = [];
  let ownDatabase: OwnDatabase | undefined;
  beforeAll(async () => {
    const base = loadConfig(process.env);
    let overrides =
      typeof options.config === 'function' ? await options.config(base) : (options.config ?? {});
    if (options.ownImageDir) {
      const localDir = path.join(base.dataDir, `images-${uniqueSuffix()}`);
      ownFiles.push(localDir);
      overrides = {
        ...overrides,
        images: { ...base.images, ...overrides.images, localDir, s3: null },
      };
    }
    if (options.ownKeyStore) {
      const own = `own-${uniqueSuffix()}`;
      const store = { ...base.store, ...overrides.store };
      const sqliteFile = path.join(base.dataDir, `${own}.sqlite`);
      ownFiles.push(...['', '-wal', '-shm'].map((suffix) => `${sqliteFile}${suffix}`));
      overrides = {
        ...overrides,
        store: { ...store, keyPrefix: `${store.keyPrefix}${own}:`, sqliteFile },
      };
    }
    if (options.ownDatabase) {
      const db = { ...base.db, ...overrides.db };
      ownDatabase = await createOwnDatabase({ db, dataDir: base.dataDir }, 'own');
      overrides = { ...overrides, db: ownDatabase.db };
    }
    ctx = await createTestContext(overrides, {
      migrate: options.migrate || options.ownDatabase,
    });
    await use(ctx);
  });
  // What a test's requests left running after their answers (image deletions) ends with the
  // test, so it never lands in the next one.
  afterEach(async () => {
    await ctx?.images.settled();
  });
  afterAll(async () => {
    try {
      await options.beforeClose?.();
      await ctx?.close();
      for (const file of ownFiles) fs.rmSync(file, { recursive: true, force: true });
      await ownDatabase?.drop();
    } finally {
      await options.teardown?.();
    }
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
