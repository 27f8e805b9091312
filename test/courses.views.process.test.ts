import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Sequelize } from 'sequelize';
import { loadConfig } from '../src/config';
import { createSequelize } from '../src/db/sequelize';
import { initModels } from '../src/db/models';
import { createLogger } from '../src/lib/logger';
import { REPO_ROOT } from './support/test-env';
import { freePort } from './support/redis-server';
import { uniqueSuffix } from './support/context';
import { makeCourse } from './support/courses';
import { makeUser } from './support/users';

/**
 * The API server as its own process (on an embedded database of its own, whatever backend the
 * suite runs on): views counted in the key store and not yet written are written to the
 * database when it stops on SIGTERM.
 */
jest.setTimeout(90_000);

const dataDir = path.join(
  process.env.TEST_DATA_DIR ?? path.join(REPO_ROOT, 'data', 'test'),
  `views-process-${uniqueSuffix()}`,
);
let child: ChildProcess;
let port: number;
let output = '';
let sequelize: Sequelize | undefined;

const exited = () =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

beforeAll(async () => {
  port = await freePort();
  child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(REPO_ROOT, 'src/server.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        // Set empty rather than removed, so a developer's .env cannot fill them in.
        DB_URL: '',
        REDIS_URL: '',
        DATA_DIR: dataDir,
        DB_MIGRATE_ON_START: 'true',
        PORT: String(port),
        // Never on the interval during the test: only the shutdown writes.
        COURSE_VIEW_FLUSH_SECONDS: '3600',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('"message":"listening"')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`the API did not start\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

afterAll(async () => {
  await sequelize?.close();
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await exited();
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('writes the pending course views to the database on SIGTERM and exits 0', async () => {
  const config = loadConfig({ ...process.env, DB_URL: '', DATA_DIR: dataDir });
  sequelize = createSequelize(config.db, createLogger({ level: 'silent', format: 'json' }));
  initModels(sequelize);
  const course = await makeCourse(await makeUser(), { clickCnt: 7 });

  const res = await fetch(`http://127.0.0.1:${port}/course/detail/${course.courseId}`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { data: { clickCnt: number } }).data.clickCnt).toBe(8);
  await course.reload();
  expect(course.clickCnt).toBe(7);

  child.kill('SIGTERM');
  expect(await exited()).toBe(0);
  expect(output).toContain('"message":"stopped"');
  await course.reload();
  expect(course.clickCnt).toBe(8);
});
