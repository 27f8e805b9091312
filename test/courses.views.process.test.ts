import type { Sequelize } from 'sequelize';
import { loadConfig } from '../src/config';
import { createSequelize } from '../src/db/sequelize';
import { initModels } from '../src/db/models';
import { createLogger } from '../src/lib/logger';
import { AppProcess } from './support/app-process';
import { freePort } from './support/redis-server';
import { makeCourse } from './support/courses';
import { makeUser } from './support/users';

/**
 * The API server as its own process (on an embedded database of its own, whatever backend the
 * suite runs on): views counted in the key store and not yet written are written to the
 * database when it stops on SIGTERM.
 */
jest.setTimeout(90_000);

let api: AppProcess;
let port: number;
let sequelize: Sequelize | undefined;

beforeAll(async () => {
  port = await freePort();
  // Never on the interval during the test: only the shutdown writes.
  api = AppProcess.start('src/server.ts', 'views-process', {
    PORT: String(port),
    COURSE_VIEW_FLUSH_SECONDS: '3600',
  });
  const deadline = Date.now() + 60_000;
  while (!api.output.includes('"event":"listening"')) {
    if (Date.now() > deadline || api.child.exitCode !== null) {
      throw new Error(`the API did not start\n${api.output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

afterAll(async () => {
  await sequelize?.close();
  await api.remove();
});

it('writes the pending course views to the database on SIGTERM and exits 0', async () => {
  const config = loadConfig({ ...process.env, DB_URL: '', DATA_DIR: api.dataDir });
  sequelize = createSequelize(config.db, createLogger({ level: 'silent', format: 'json' }));
  initModels(sequelize);
  const course = await makeCourse(await makeUser(), { clickCnt: 7 });

  const res = await fetch(`http://127.0.0.1:${port}/course/detail/${course.courseId}`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { data: { clickCnt: number } }).data.clickCnt).toBe(8);
  await course.reload();
  expect(course.clickCnt).toBe(7);

  api.child.kill('SIGTERM');
  expect(await api.exited()).toBe(0);
  expect(api.output).toContain('"message":"stopped"');
  await course.reload();
  expect(course.clickCnt).toBe(8);
});
