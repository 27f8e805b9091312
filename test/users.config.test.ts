import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, prepareEmbeddedSecrets } from '../src/config';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-accounts-config-'));

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig({ DATA_DIR: tempDir(), ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  return '';
}

const MYSQL = {
  DB_URL: 'mysql://root@127.0.0.1:3306/app',
  JWT_SECRET: 'x'.repeat(40),
};

describe('account settings', () => {
  it('Embedded with nothing set: no providers, the log-only SMS, a phone key kept in the data folder', () => {
    const dataDir = tempDir();
    const config = prepareEmbeddedSecrets(loadConfig({ DATA_DIR: dataDir }));
    expect(config.oauth).toEqual({ timeoutMs: 5000, kakao: null, naver: null });
    expect(config.sms).toEqual({ sens: null, timeoutMs: 5000 });
    expect(config.phone).toMatchObject({
      legacyKey: null,
      codeTtlSeconds: 180,
      maxAttempts: 5,
      sendWindowSeconds: 3600,
      sendsPerUser: 5,
      sendsPerNumber: 5,
      usersPerNumber: 3,
    });
    expect(config.phone.encryptionKey).toHaveLength(32);
    const file = path.join(dataDir, 'phone-key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // A restart reads the same key, so stored numbers stay readable.
    expect(prepareEmbeddedSecrets(loadConfig({ DATA_DIR: dataDir })).phone.encryptionKey).toEqual(
      config.phone.encryptionKey,
    );
  });

  it('Requires PHONE_ENCRYPTION_KEY with DB_URL, as 32 bytes in hex or base64', () => {
    expect(problemsOf(MYSQL)).toMatch(/PHONE_ENCRYPTION_KEY is required when DB_URL is set/);
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ ...MYSQL, PHONE_ENCRYPTION_KEY: hex }).phone.encryptionKey).toEqual(
      Buffer.from(hex, 'hex'),
    );
    const key = Buffer.alloc(32, 7);
    for (const written of [key.toString('base64'), key.toString('base64url')]) {
      expect(loadConfig({ ...MYSQL, PHONE_ENCRYPTION_KEY: written }).phone.encryptionKey).toEqual(
        key,
      );
    }
    for (const bad of ['ab'.repeat(31), Buffer.alloc(16).toString('base64'), 'not a key!']) {
      expect(problemsOf({ ...MYSQL, PHONE_ENCRYPTION_KEY: bad })).toMatch(
        /PHONE_ENCRYPTION_KEY must be 32 bytes/,
      );
    }
  });

  it('Takes a provider only when all its keys are set, and says which are missing', () => {
    expect(problemsOf({ KAKAO_CLIENT_ID: 'k' })).toMatch(/missing KAKAO_REDIRECT_URI/);
    expect(problemsOf({ NAVER_CLIENT_ID: 'n', NAVER_REDIRECT_URI: 'https://x/naver' })).toMatch(
      /missing NAVER_CLIENT_SECRET/,
    );
    expect(problemsOf({ KAKAO_CLIENT_ID: 'k', KAKAO_REDIRECT_URI: 'not a url' })).toMatch(
      /KAKAO_REDIRECT_URI is not a valid URL/,
    );
    const config = loadConfig({
      DATA_DIR: tempDir(),
      KAKAO_CLIENT_ID: 'k',
      KAKAO_REDIRECT_URI: 'https://www.erunjrun.com/kakao',
      NAVER_CLIENT_ID: 'n',
      NAVER_CLIENT_SECRET: 's',
      NAVER_REDIRECT_URI: 'https://www.erunjrun.com/naver',
      OAUTH_TIMEOUT_MS: '3000',
    });
    expect(config.oauth).toEqual({
      timeoutMs: 3000,
      kakao: { clientId: 'k', clientSecret: null, redirectUri: 'https://www.erunjrun.com/kakao' },
      naver: {
        clientId: 'n',
        clientSecret: 's',
        redirectUri: 'https://www.erunjrun.com/naver',
        state: 'erunjrun',
      },
    });
  });

  it('Takes SENS only with all four keys and a digits-only sender number', () => {
    const sens = {
      SENS_SERVICE_ID: 'ncp:sms:kr:1:app',
      SENS_ACCESS_KEY: 'a',
      SENS_SECRET_KEY: 's',
      SENS_FROM: '0212345678',
    };
    expect(problemsOf({ SENS_SERVICE_ID: 'x' })).toMatch(
      /SENS_ACCESS_KEY, SENS_SECRET_KEY, SENS_FROM/,
    );
    expect(problemsOf({ ...sens, SENS_FROM: '02-1234-5678' })).toMatch(/SENS_FROM must be/);
    const config = loadConfig({
      DATA_DIR: tempDir(),
      ...sens,
      SENS_BASE_URL: 'http://127.0.0.1:9/',
    });
    expect(config.sms.sens).toEqual({
      baseUrl: 'http://127.0.0.1:9',
      serviceId: 'ncp:sms:kr:1:app',
      accessKey: 'a',
      secretKey: 's',
      from: '0212345678',
    });
    expect(loadConfig({ DATA_DIR: tempDir(), ...sens }).sms.sens?.baseUrl).toBe(
      'https://sens.apigw.ntruss.com',
    );
  });

  it('Checks the limits are whole numbers in range', () => {
    const problems = problemsOf({
      PHONE_CODE_TTL: '5',
      PHONE_CODE_MAX_ATTEMPTS: 'many',
      SMS_SENDS_PER_USER: '0',
    });
    for (const key of ['PHONE_CODE_TTL', 'PHONE_CODE_MAX_ATTEMPTS', 'SMS_SENDS_PER_USER']) {
      expect(problems).toContain(key);
    }
  });
});
