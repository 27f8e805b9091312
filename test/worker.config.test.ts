import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

const load = (env: Record<string, string>) =>
  loadConfig({
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-worker-config-')),
    ...env,
  });

const problems = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  return '';
};

describe('Worker settings', () => {
  it('Default to an 08:00 D-day, 30-second ticks, 15 minutes of lateness, 3 tries and the public SPA', () => {
    expect(load({}).worker).toEqual({
      ddayHour: 8,
      tickMs: 30_000,
      maxLatenessMs: 15 * 60_000,
      batchSize: 500,
      smsMaxAttempts: 3,
      smsBackoffMs: 30_000,
      smsConcurrency: 4,
      healthPort: null,
      spaUrl: 'https://www.erunjrun.com',
    });
  });

  it('Are read from WORKER_* and SPA_URL', () => {
    expect(
      load({
        WORKER_DDAY_HOUR: '7',
        WORKER_TICK_SECONDS: '10',
        WORKER_MAX_LATENESS_MINUTES: '30',
        WORKER_BATCH_SIZE: '100',
        WORKER_SMS_MAX_ATTEMPTS: '5',
        WORKER_SMS_BACKOFF_SECONDS: '60',
        WORKER_SMS_CONCURRENCY: '10',
        WORKER_HEALTH_PORT: '3001',
        SPA_URL: 'https://staging.erunjrun.com/',
      }).worker,
    ).toEqual({
      ddayHour: 7,
      tickMs: 10_000,
      maxLatenessMs: 30 * 60_000,
      batchSize: 100,
      smsMaxAttempts: 5,
      smsBackoffMs: 60_000,
      smsConcurrency: 10,
      healthPort: 3001,
      spaUrl: 'https://staging.erunjrun.com',
    });
  });

  it('Refuse bad values, naming each key, and a lateness shorter than two ticks', () => {
    const found = problems({
      WORKER_DDAY_HOUR: '24',
      WORKER_TICK_SECONDS: '0',
      WORKER_SMS_MAX_ATTEMPTS: 'three',
      WORKER_HEALTH_PORT: '70000',
      SPA_URL: 'erunjrun.com',
    });
    for (const key of [
      'WORKER_DDAY_HOUR',
      'WORKER_TICK_SECONDS',
      'WORKER_SMS_MAX_ATTEMPTS',
      'WORKER_HEALTH_PORT',
      'SPA_URL',
    ]) {
      expect(found).toContain(key);
    }
    expect(problems({ WORKER_TICK_SECONDS: '600', WORKER_MAX_LATENESS_MINUTES: '15' })).toContain(
      'WORKER_MAX_LATENESS_MINUTES must cover at least two WORKER_TICK_SECONDS',
    );
  });
});
