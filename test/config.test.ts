import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { ConfigError, loadConfig, prepareEmbeddedSecrets, type Config } from '../src/config';
import { createSequelize } from '../src/db/sequelize';
import { createLogger } from '../src/lib/logger';
import { SqliteKeyStore } from '../src/store/sqlite-store';
import { REPO_ROOT } from './support/test-env';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-config-'));

/** What a process does at start: read the settings, then read or create the embedded secrets. */
const start = (env: Record<string, string>) => prepareEmbeddedSecrets(loadConfig(env));

describe('configuration', () => {
  it('With no settings at all, runs embedded on SQLite with a generated secret kept in the data folder', () => {
    const dataDir = tempDir();
    const first = start({ DATA_DIR: dataDir });
    expect(first.embedded).toBe(true);
    expect(first.port).toBe(3000);
    expect(first.db.sqliteFile).toBe(path.join(dataDir, 'erunjrun.sqlite'));
    expect(first.db.migrateOnStart).toBe(true);
    expect(first.store.redisUrl).toBeNull();
    expect(first.http.corsOrigins).toEqual(['http://localhost:3000']);
    expect(first.jwt.secret.length).toBeGreaterThanOrEqual(32);
    // A restart (or another process on the machine) signs with the same secret.
    expect(start({ DATA_DIR: dataDir }).jwt.secret).toBe(first.jwt.secret);
  });

  it('Reading the settings writes nothing: the embedded secrets are made at start-up', () => {
    const dataDir = path.join(tempDir(), 'data');
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.jwt.secret).toBe('');
    expect(config.phone.encryptionKey).toHaveLength(0);
    expect(fs.existsSync(dataDir)).toBe(false);
    const started = prepareEmbeddedSecrets(config);
    expect(started.jwt.secret).toBe(fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8'));
    expect(started.phone.encryptionKey).toHaveLength(32);
  });

  it('Set secrets are used as they are, and nothing is written for them', () => {
    const dataDir = path.join(tempDir(), 'data');
    const env = {
      DATA_DIR: dataDir,
      JWT_SECRET: 'y'.repeat(40),
      PHONE_ENCRYPTION_KEY: 'cd'.repeat(32),
    };
    const started = start(env);
    expect(started.jwt.secret).toBe('y'.repeat(40));
    expect(started.phone.encryptionKey).toEqual(Buffer.from('cd'.repeat(32), 'hex'));
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('Reports every bad setting at once, naming each key', () => {
    let error: unknown;
    try {
      loadConfig({
        DATA_DIR: tempDir(),
        PORT: 'eighty',
        DB_URL: 'postgres://localhost/x',
        REDIS_URL: 'not a url',
        DB_MIGRATE_ON_START: 'sometimes',
        LOG_LEVEL: 'loud',
        CORS_ORIGINS: 'https://ok.example.com,https://bad.example.com/path',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of [
      'PORT',
      'DB_URL',
      'REDIS_URL',
      'DB_MIGRATE_ON_START',
      'LOG_LEVEL',
      'CORS_ORIGINS',
    ]) {
      expect(problems).toContain(key);
    }
  });

  it('Requires a real signing secret when running on MySQL', () => {
    expect(() => loadConfig({ DB_URL: 'mysql://root@127.0.0.1:3306/app' })).toThrow(
      /JWT_SECRET is required/,
    );
    expect(() =>
      loadConfig({ DB_URL: 'mysql://root@127.0.0.1:3306/app', JWT_SECRET: 'short' }),
    ).toThrow(/at least 32/);
    const config = loadConfig({
      DB_URL: 'mysql://root@127.0.0.1:3306/app',
      JWT_SECRET: 'x'.repeat(40),
      REDIS_URL: 'redis://127.0.0.1:6379',
      PHONE_ENCRYPTION_KEY: 'ab'.repeat(32),
    });
    expect(config.embedded).toBe(false);
    expect(config.db.migrateOnStart).toBe(false);
    expect(config.jwt.secret).toBe('x'.repeat(40));
  });

  it('Refuses a refresh lifetime that is not longer than the access lifetime', () => {
    expect(() =>
      loadConfig({ DATA_DIR: tempDir(), JWT_ACCESS_TTL: '3600', JWT_REFRESH_TTL: '600' }),
    ).toThrow(/JWT_REFRESH_TTL/);
  });
});

/** The problems a configuration is refused with (fails the test when it is accepted). */
function problemsOf(env: Record<string, string>): string {
  try {
    start(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
  throw new Error('the configuration was accepted');
}

describe('embedded secrets', () => {
  it.each([
    ['an empty', ''],
    ['a blank', ' \n'],
    ['a short', 'x'.repeat(31)],
  ])('Refuses to start on %s jwt-secret file, naming the file', (_label, content) => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'jwt-secret'), content, { mode: 0o600 });
    expect(problemsOf({ DATA_DIR: dataDir })).toMatch(
      new RegExp(`${path.join(dataDir, 'jwt-secret')} must hold a signing secret of at least 32`),
    );
    // Nothing was written over it: the operator decides.
    expect(fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8')).toBe(content);
  });

  it.each([
    ['an empty', ''],
    ['a short', 'ab'.repeat(16)],
  ])('Refuses to start on %s phone-key file, naming the file', (_label, content) => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'phone-key'), content, { mode: 0o600 });
    expect(problemsOf({ DATA_DIR: dataDir })).toMatch(
      new RegExp(`${path.join(dataDir, 'phone-key')} must hold a 32-byte key`),
    );
  });

  it('Processes starting together on a fresh data folder all get the same full secrets', async () => {
    // Each child loads the configuration on a fresh folder per round, all at the same moment.
    const base = tempDir();
    const processes = 4;
    const rounds = 25;
    const child = path.join(REPO_ROOT, 'test/support/config-race-child.ts');
    const outputs = await Promise.all(
      Array.from(
        { length: processes },
        (_, id) =>
          new Promise<string>((resolve, reject) => {
            const args = [base, String(id), String(processes), String(rounds)];
            const proc = spawn(
              process.execPath,
              ['-r', 'ts-node/register/transpile-only', child, ...args],
              { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
            );
            let output = '';
            proc.stdout.on('data', (chunk) => (output += String(chunk)));
            proc.on('error', reject);
            proc.on('exit', (code) =>
              code === 0 ? resolve(output) : reject(new Error(`child exited with ${code}`)),
            );
          }),
      ),
    );
    const lines = outputs.map((output) =>
      output
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    );
    for (let round = 0; round < rounds; round += 1) {
      const results = lines.map((ofChild) => ofChild[round]);
      const stored = {
        round,
        jwt: fs.readFileSync(path.join(base, `round-${round}`, 'jwt-secret'), 'utf8'),
        phone: Buffer.from(
          fs.readFileSync(path.join(base, `round-${round}`, 'phone-key'), 'utf8'),
          'base64',
        ).toString('hex'),
      };
      expect(stored.jwt.length).toBeGreaterThanOrEqual(32);
      expect(results).toEqual(Array(processes).fill(stored));
    }
    fs.rmSync(base, { recursive: true, force: true });
  });

  /** A fresh folder, and one from before where the folder and a secret are readable by all. */
  const folders: Array<[string, () => string]> = [
    ['a new data folder', () => path.join(tempDir(), 'data')],
    [
      'a loosened data folder from before',
      () => {
        const dataDir = tempDir();
        fs.chmodSync(dataDir, 0o755);
        fs.writeFileSync(path.join(dataDir, 'phone-key'), 'ab'.repeat(32), { mode: 0o644 });
        return dataDir;
      },
    ],
  ];

  it.each(folders)(
    'Keeps %s and its files private to the account running the app',
    async (_label, makeDir) => {
      const previous = process.umask(0o022);
      try {
        const dataDir = makeDir();
        const config = start({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
        const sequelize = createSequelize(config.db, createLogger(config.log));
        const store = await SqliteKeyStore.open(config.store.sqliteFile);
        try {
          await sequelize.query('PRAGMA journal_mode = WAL');
          await sequelize.query('CREATE TABLE t (x TEXT)');
          await store.set('k', 'v');
          const files = [
            'jwt-secret',
            'phone-key',
            'erunjrun.sqlite',
            'erunjrun.sqlite-wal',
            'erunjrun.sqlite-shm',
            'keystore.sqlite',
            'keystore.sqlite-wal',
            'keystore.sqlite-shm',
          ];
          const modes = Object.fromEntries(
            ['', ...files].map((name) => [
              name || 'DATA_DIR',
              (fs.statSync(path.join(dataDir, name)).mode & 0o777).toString(8),
            ]),
          );
          expect(modes).toEqual({
            DATA_DIR: '700',
            ...Object.fromEntries(files.map((name) => [name, '600'])),
          });
        } finally {
          await sequelize.close();
          await store.close();
        }
      } finally {
        process.umask(previous);
      }
    },
  );
});

describe('TRUST_PROXY', () => {
  /** Whether the app believes X-Forwarded-For from `address`, once the setting is applied. */
  function trusts(trustProxy: Config['http']['trustProxy'], address: string): boolean {
    const app = express();
    app.set('trust proxy', trustProxy);
    const trust = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
    return trust(address, 0);
  }

  it('Refuses true, which would let any client choose its own address', () => {
    for (const value of ['true', 'TRUE']) {
      expect(problemsOf({ DATA_DIR: tempDir(), TRUST_PROXY: value })).toMatch(
        /TRUST_PROXY=true .*number of proxies .*addresses or subnets/,
      );
    }
  });

  it.each([
    ['nothing', undefined, false],
    ['false', 'false', false],
    ['a hop count', '1', 1],
    ['no hops', '0', 0],
    ['named ranges', 'loopback, uniquelocal', ['loopback', 'uniquelocal']],
    [
      'addresses and subnets',
      '10.0.0.0/8,192.168.1.7, fd00::/8,::1',
      ['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1'],
    ],
  ])('Accepts %s', (_label, value, expected) => {
    const env: Record<string, string> = { DATA_DIR: tempDir() };
    if (value !== undefined) env.TRUST_PROXY = value;
    expect(loadConfig(env).http.trustProxy).toEqual(expected);
  });

  it('Believes the header only from the configured proxies', () => {
    const { trustProxy } = loadConfig({
      DATA_DIR: tempDir(),
      TRUST_PROXY: '10.0.0.0/8,loopback',
    }).http;
    expect(trusts(trustProxy, '10.20.30.40')).toBe(true);
    expect(trusts(trustProxy, '127.0.0.1')).toBe(true);
    expect(trusts(trustProxy, '192.168.0.1')).toBe(false);
    expect(trusts(trustProxy, '203.0.113.9')).toBe(false);
  });

  it.each([
    ['a word', 'yes'],
    ['a hostname', 'proxy.internal'],
    ['a bad subnet', '10.0.0.0/33'],
    ['a bad address', '10.0.0.256'],
    ['too many hops', '11'],
    ['a negative count', '-1'],
  ])('Refuses %s, naming the setting', (_label, value) => {
    expect(problemsOf({ DATA_DIR: tempDir(), TRUST_PROXY: value })).toMatch(/TRUST_PROXY/);
  });
});
