import crypto from 'node:crypto';
import request from 'supertest';
import { Group } from '../src/db/models';
import { ImageRemoval } from '../src/uploads/image-removal.model';
import { SLOT_MESSAGES } from '../src/uploads/images.service';
import { createGroupRequestFields, timed } from './support/faults';
import { member, postGroup, testCalendar } from './support/groups';
import { useTestContext, type TestContext } from './support/context';
import { FailingS3 } from './support/failing-s3';
import { png } from './support/images';

/**
 * The image store failing or hanging while a run is posted: the post answers 503 within the
 * configured S3 timeout, no run is created, and no image object is left behind. (SENS slow or
 * failing on POST /user/message is covered in users.phone.test.ts, a slow OAuth provider in
 * users.oauth.test.ts.)
 */
jest.setTimeout(60_000);

// Short enough that a hung S3 fails the post quickly, long enough for a sound one on a busy machine.
const S3_TIMEOUT_MS = 1000;
let s3: FailingS3;
let ctx: TestContext;

useTestContext(
  (c) => {
    ctx = c;
  },
  {
    config: async (base) => {
      s3 = await FailingS3.start();
      return {
        images: { ...base.images, s3: s3.settings(S3_TIMEOUT_MS), baseUrl: s3.endpoint },
      };
    },
    teardown: () => s3?.close(),
  },
);
afterEach(() => {
  s3.behaviour = () => 'ok';
  s3.hangDeletes = false;
  s3.putKeys.clear();
});

const storeFailed = { success: false, message: SLOT_MESSAGES.storeFailed };

async function postWithImages(label: string) {
  const day = testCalendar(ctx).window();
  const host = await member(ctx);
  const title = `${label} ${crypto.randomBytes(3).toString('hex')}`;
  const files = [
    { buffer: await png(64, 64), name: 'a.png' },
    { buffer: await png(80, 60), name: 'b.png' },
  ];
  const res = await timed(() =>
    postGroup(ctx, host.headers, createGroupRequestFields(day.at(3), { title }), files),
  );
  return { ...res, title, host };
}

it('Stores the images of a run when S3 answers (the fake is sound)', async () => {
  const { value, title } = await postWithImages('S3 정상');
  expect(value.status).toBe(201);
  expect(await Group.count({ where: { title } })).toBe(1);
  expect(s3.objects.size).toBeGreaterThan(0);
  s3.objects.clear();
});

it.each([
  ['answers 500 for every PUT', () => 'error' as const],
  [
    'fails only the detail-size variants (the originals were written)',
    (key: string) => (key.startsWith('w_758/') ? ('error' as const) : ('ok' as const)),
  ],
  ['never answers', () => 'hang' as const],
])(
  'When S3 %s, the post answers 503 in bounded time, creates no run and leaves no object',
  async (_name, behaviour) => {
    s3.behaviour = behaviour;
    const { value, ms, title } = await postWithImages('S3 장애');
    expect(value.status).toBe(503);
    expect(value.body).toEqual(storeFailed);
    // Three attempts at most, each bounded by the timeout, plus the SDK's short backoff: about
    // 3 s alone; the bound leaves room for a machine busy with other suites (11 s seen at a
    // load average of 10) and still fails a request left hanging or tried many more times.
    expect(ms).toBeLessThan(5 * 3 * S3_TIMEOUT_MS);
    expect(await Group.count({ where: { title } })).toBe(0);
    // What was written is deleted after the answer.
    await ctx.images.settled();
    expect([...s3.objects]).toEqual([]);
    expect(await ImageRemoval.count({ where: { path: [...s3.putKeys] } })).toBe(0);
  },
);

it('When S3 hangs on the deletes too, the post answers without waiting for them, and they stay queued', async () => {
  s3.behaviour = (key) => (key.startsWith('w_758/') ? 'error' : 'ok');
  s3.hangDeletes = true;
  const { value, title } = await postWithImages('S3 삭제 지연');
  const answered = Date.now();
  expect(value.status).toBe(503);
  expect(await Group.count({ where: { title } })).toBe(0);
  // The deletes' attempts, each given the whole timeout, run after the answer.
  await ctx.images.settled();
  expect(Date.now() - answered).toBeGreaterThanOrEqual(S3_TIMEOUT_MS);
  // Nothing is forgotten: every written object's paths wait for the worker's next sweep.
  const queued = await ImageRemoval.findAll({ where: { path: [...s3.putKeys] } });
  const written = [...s3.objects];
  expect(written.length).toBeGreaterThan(0);
  expect(queued.map((row) => row.path).sort()).toEqual([...s3.putKeys].sort());
  expect(written.every((key) => s3.putKeys.has(key))).toBe(true);
  expect(queued.every((row) => row.attempts === 1 && row.lastError !== null)).toBe(true);
  await ImageRemoval.destroy({ where: { path: queued.map((row) => row.path) } });
  s3.objects.clear();
});

it('Deleting a run while S3 hangs on deletes answers without waiting; its images were queued with the delete', async () => {
  const { value, host } = await postWithImages('S3 삭제 대기');
  expect(value.status).toBe(201);
  const paths = [...s3.putKeys];
  s3.hangDeletes = true;
  const res = await request(ctx.app)
    .delete(`/group/${value.body.groupId as string}`)
    .set(host.headers);
  const answered = Date.now();
  expect(res.status).toBe(200);
  // Committed with the delete: the record of what to remove is there before any S3 answer.
  const queued = await ImageRemoval.findAll({ where: { path: paths } });
  expect(queued.map((row) => row.path).sort()).toEqual([...paths].sort());
  expect([...s3.objects].sort()).toEqual([...paths].sort());
  // The deletes' attempts, each given the whole timeout, run after the answer and fail.
  await ctx.images.settled();
  expect(Date.now() - answered).toBeGreaterThanOrEqual(S3_TIMEOUT_MS);
  const after = await ImageRemoval.findAll({ where: { path: paths } });
  expect(after.every((row) => row.attempts === 1 && row.lastError !== null)).toBe(true);
  await ImageRemoval.destroy({ where: { path: paths } });
  s3.objects.clear();
});
