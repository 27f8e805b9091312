import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-config-'));

describe('configuration', () => {
  it('With no settings at all, runs embedded on SQLite with a generated secret kept in the data folder', () => {
    const dataDir = tempDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(first.embedded).toBe(true);
    expect(first.port).toBe(3000);
    expect(first.db.sqliteFile).toBe(path.join(dataDir, 'erunjrun.sqlite'));
    expect(first.db.migrateOnStart).toBe(true);
    expect(first.store.redisUrl).toBeNull();
    expect(first.http.corsOrigins).toEqual(['http://localhost:3000']);
    expect(first.jwt.secret.length).toBeGreaterThanOrEqual(32);
    // A restart (or another process on the machine) signs with the same secret.
    expect(loadConfig({ DATA_DIR: dataDir }).jwt.secret).toBe(first.jwt.secret);
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
