import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * The environment every test process runs with. Tests never read `.env` and never use the
 * DB_URL/REDIS_URL of the shell: the MySQL/Redis run is chosen with TEST_DB_URL and
 * TEST_REDIS_URL, so a developer's own database cannot be wiped by `npm test`. TEST_DATA_DIR
 * moves the embedded files (two runs side by side need different ones).
 */
export function applyTestEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (env.TEST_DB_URL) env.DB_URL = env.TEST_DB_URL;
  else delete env.DB_URL;
  if (env.TEST_REDIS_URL) env.REDIS_URL = env.TEST_REDIS_URL;
  else delete env.REDIS_URL;
  env.DATA_DIR = env.TEST_DATA_DIR ?? path.join(REPO_ROOT, 'data', 'test');
  env.LOG_LEVEL = env.TEST_LOG_LEVEL ?? 'silent';
  env.JWT_SECRET = 'test-signing-secret-that-is-long-enough-0123456789';
  env.KEY_PREFIX = 'erunjrun-test:';
  env.DB_MIGRATE_ON_START = 'false';
  // Required with DB_URL; a fixed key keeps both backends alike.
  env.PHONE_ENCRYPTION_KEY = '0123456789abcdef'.repeat(4);
  // The suite makes many writes from one address; the rate-limit test sets its own low limits.
  for (const name of ['LOGIN', 'WRITE', 'SMS']) env[`RATE_LIMIT_${name}_MAX`] = '1000000';
  // Outside services are faked per test (nock, a loopback SENS): never the shell's real ones.
  for (const key of Object.keys(env)) {
    if (/^(KAKAO|NAVER|SENS)_|^LEGACY_PHONE_KEY$/.test(key)) delete env[key];
  }
}

/**
 * The environment of a child process (API server, worker) on an embedded database of its own in
 * `dataDir`, migrated at start, whatever backend the suite runs on. DB_URL and REDIS_URL are set
 * empty rather than removed, so a developer's .env cannot fill them in.
 */
export function embeddedChildEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DB_URL: '',
    REDIS_URL: '',
    DATA_DIR: dataDir,
    DB_MIGRATE_ON_START: 'true',
  };
}
