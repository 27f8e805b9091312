import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import sharp from 'sharp';
import { ConfigError, loadConfig } from '../src/config';
import { ConcurrencyLimit, QueueFullError } from '../src/lib/concurrency';
import { errorHandler } from '../src/lib/error-handler';
import * as processing from '../src/uploads/processing';
import {
  defaultGroupThumbnailUrl,
  detailImageUrl,
  keyFromImageUrl,
  listImageUrl,
  planImageSlots,
  uploadedImages,
  uploadImages,
  UPLOAD_MESSAGES,
} from '../src/uploads';
import {
  createTestContext,
  useTestContext,
  type TestContext,
  type TestContextOptions,
} from './support/context';
import { FakeS3 } from './support/fake-s3';
import { jpeg, png } from './support/images';

interface Setup {
  ctx: TestContext;
  /** Object paths currently stored. */
  stored(): string[];
  /** Fetches an image URL the API returned. */
  fetchImage(url: string): Promise<{ status: number; body: Buffer; type: string }>;
}

/** An image store: the context's options for it, and how to look into it once built. */
interface ImageStore {
  options: TestContextOptions;
  connect(ctx: TestContext): Setup;
}

function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}

function localStore(): ImageStore {
  return {
    options: { ownImageDir: true },
    connect: (ctx) => ({
      ctx,
      stored: () => listFiles(ctx.imageDir),
      async fetchImage(url) {
        const res = await request(ctx.app)
          .get(url.slice(ctx.config.publicUrl.length))
          .buffer(true)
          .parse((r, cb) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => cb(null, Buffer.concat(chunks)));
          });
        return {
          status: res.status,
          body: res.body as Buffer,
          type: String(res.headers['content-type']),
        };
      },
    }),
  };
}

function s3Store(): ImageStore {
  let fake: FakeS3 | undefined;
  return {
    options: {
      config: async (base) => {
        fake = await FakeS3.start();
        return { images: { ...base.images, baseUrl: fake.publicBase, s3: fake.settings() } };
      },
      teardown: () => fake?.stop(),
    },
    connect: (ctx) => ({
      ctx,
      stored: () => fake!.objectKeys(),
      async fetchImage(url) {
        const res = await fetch(url);
        return {
          status: res.status,
          body: Buffer.from(await res.arrayBuffer()),
          type: res.headers.get('content-type') ?? '',
        };
      },
    }),
  };
}

/** How a feature plugs uploads in: parse + check, then store once the request is valid. */
function postApp(ctx: TestContext) {
  const app = express();
  app.post('/posts', uploadImages(ctx, { field: 'thumbnail', maxCount: 3 }), async (req, res) => {
    if (req.body.title === 'invalid') {
      res.status(400).json({ success: false, message: 'rejected before storing' });
      return;
    }
    const keys = await ctx.images.store(uploadedImages(res), 'group');
    res.json({
      success: true,
      keys,
      list: keys.map((k) => listImageUrl(ctx.config, k)),
      detail: keys.map((k) => detailImageUrl(ctx.config, k)),
    });
  });
  app.use(errorHandler(ctx.logger));
  return app;
}

describe.each([
  ['local folder', localStore],
  ['S3 (s3rver through the AWS SDK)', s3Store],
])('image uploads to %s', (_name, makeStore) => {
  const store = makeStore();
  let setup: Setup;
  useTestContext((ctx) => {
    setup = store.connect(ctx);
  }, store.options);

  it('stores the original and both variants before answering, and the URLs serve them', async () => {
    const before = setup.stored();
    const res = await request(postApp(setup.ctx))
      .post('/posts')
      .field('title', 'ok')
      .attach('thumbnail', await jpeg(1600, 1200), 'run.jpg');
    expect(res.status).toBe(200);
    const [key] = res.body.keys as string[];
    expect(setup.stored().filter((p) => !before.includes(p))).toEqual(
      [`groupthumbnail/${key}`, `w_384/${key}`, `w_758/${key}`].sort(),
    );

    const list = await setup.fetchImage(res.body.list[0]);
    expect(list.status).toBe(200);
    expect(list.type).toMatch(/image\/webp/);
    const listMeta = await sharp(list.body).metadata();
    expect([listMeta.format, listMeta.width, listMeta.height]).toEqual(['webp', 384, 288]);

    const detailMeta = await sharp((await setup.fetchImage(res.body.detail[0])).body).metadata();
    expect([detailMeta.width, detailMeta.height]).toEqual([758, 569]);
  });

  it('applies EXIF orientation, strips metadata and never enlarges small images', async () => {
    const res = await request(postApp(setup.ctx))
      .post('/posts')
      .attach('thumbnail', await jpeg(1000, 500, 6), 'sideways.jpg')
      .attach('thumbnail', await png(200, 100), 'small.png');
    expect(res.status).toBe(200);
    const rotated = await sharp((await setup.fetchImage(res.body.detail[0])).body).metadata();
    // Orientation 6 means "rotate 90°": the 1000×500 photo is shown 500×1000.
    expect([rotated.width, rotated.height]).toEqual([500, 1000]);
    expect(rotated.exif).toBeUndefined();
    expect(rotated.orientation).toBeUndefined();
    const small = await sharp((await setup.fetchImage(res.body.list[1])).body).metadata();
    expect([small.width, small.height]).toEqual([200, 100]);
  });

  it('rejects a text file renamed .png and stores nothing', async () => {
    const before = setup.stored();
    const res = await request(postApp(setup.ctx))
      .post('/posts')
      .attach('thumbnail', await png(64, 64), 'good.png')
      .attach('thumbnail', Buffer.from('just some text, not an image'), 'fake.png');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message: UPLOAD_MESSAGES.unsupported });
    expect(setup.stored()).toEqual(before);
  });

  it('refuses SVG, which a browser would run scripts in', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const res = await request(postApp(setup.ctx)).post('/posts').attach('thumbnail', svg, 'a.svg');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(UPLOAD_MESSAGES.unsupported);
  });

  it('rejects a fourth file and stores nothing', async () => {
    const before = setup.stored();
    const image = await png(32, 32);
    const req = request(postApp(setup.ctx)).post('/posts');
    for (let i = 0; i < 4; i += 1) req.attach('thumbnail', image, `p${i}.png`);
    const res = await req;
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      success: false,
      message: '이미지는 최대 3개까지 등록할 수 있습니다.',
    });
    expect(setup.stored()).toEqual(before);
  });

  it('answers 413 for a file over the size limit and for a decompression bomb', async () => {
    const before = setup.stored();
    const huge = Buffer.alloc(setup.ctx.config.images.maxFileBytes + 1, 1);
    const tooBig = await request(postApp(setup.ctx))
      .post('/posts')
      .attach('thumbnail', huge, 'big.jpg');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.success).toBe(false);

    // 10,000 × 10,000 pixels in a few kilobytes: decoding it would take 300 MB.
    const bomb = await sharp({
      create: { width: 10_000, height: 10_000, channels: 3, background: '#fff' },
    })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const res = await request(postApp(setup.ctx))
      .post('/posts')
      .attach('thumbnail', bomb, 'bomb.png');
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ success: false, message: UPLOAD_MESSAGES.tooManyPixels });
    expect(setup.stored()).toEqual(before);
  });

  it('stores nothing when the request is rejected after the files were checked', async () => {
    const before = setup.stored();
    const res = await request(postApp(setup.ctx))
      .post('/posts')
      .field('title', 'invalid')
      .attach('thumbnail', await png(64, 64), 'ok.png');
    expect(res.status).toBe(400);
    expect(setup.stored()).toEqual(before);
  });

  it('edits keep, replace and delete exactly the right objects', async () => {
    const { ctx } = setup;
    const first = await request(postApp(ctx))
      .post('/posts')
      .attach('thumbnail', await png(40, 40), 'a.png')
      .attach('thumbnail', await png(41, 41), 'b.png')
      .attach('thumbnail', await png(42, 42), 'c.png');
    const [a, b, c] = first.body.keys as string[];
    // The SPA sends back the detail URLs of the images to keep: keep C then A, add one new image.
    const keep = [detailImageUrl(ctx.config, c), detailImageUrl(ctx.config, a)];
    const plan = planImageSlots(ctx.config, [a, b, c], keep, ['NEW']);
    expect(plan.slots).toEqual([c, a, 'NEW']);
    expect(plan.removed).toEqual([b]);

    ctx.images.remove('group', plan.removed);
    await ctx.images.settled();
    const stored = setup.stored();
    for (const p of ['groupthumbnail', 'w_384', 'w_758']) {
      expect(stored).toContain(`${p}/${a}`);
      expect(stored).toContain(`${p}/${c}`);
      expect(stored).not.toContain(`${p}/${b}`);
    }
  });

  it('a profile picture stored for a save that failed is removed by its key', async () => {
    const { ctx } = setup;
    const before = setup.stored();
    const image = await ctx.images.prepare({ originalname: 'me.png', buffer: await png(60, 60) });
    const [key] = await ctx.images.store([image], 'profile');
    expect(setup.stored().filter((p) => !before.includes(p))).toEqual(
      [`profile/${key}`, `w_384/${key}`, `w_758/${key}`].sort(),
    );
    ctx.images.remove('profile', [key]);
    await ctx.images.settled();
    expect(setup.stored()).toEqual(before);
  });

  it('deleting a post removes the originals and every variant', async () => {
    const res = await request(postApp(setup.ctx))
      .post('/posts')
      .attach('thumbnail', await png(50, 50), 'x.png')
      .attach('thumbnail', await png(51, 51), 'y.png');
    const keys = res.body.keys as string[];
    setup.ctx.images.remove('group', [...keys, null]);
    await setup.ctx.images.settled();
    const stored = setup.stored();
    for (const key of keys) expect(stored.filter((p) => p.endsWith(key))).toEqual([]);
  });
});

describe('image URLs', () => {
  let ctx: TestContext;
  useTestContext((c) => {
    ctx = c;
  });

  it('builds the original layout from the public base', () => {
    const base = ctx.config.images.baseUrl;
    expect(listImageUrl(ctx.config, 'k1.webp')).toBe(`${base}/w_384/k1.webp`);
    expect(detailImageUrl(ctx.config, 'k1.webp')).toBe(`${base}/w_758/k1.webp`);
    expect(listImageUrl(ctx.config, null)).toBeNull();
  });

  it('gives each theme its default thumbnail, with the original file names', async () => {
    expect(defaultGroupThumbnailUrl(ctx.config, '산')).toBe(
      `${ctx.config.images.baseUrl}/groupthumbnail/%E1%84%80%E1%85%B5%EB%B3%B8%EC%8D%B8%EB%84%A4%EC%9D%BC_%E1%84%89%E1%85%A1%E1%86%AB.png`,
    );
    expect(defaultGroupThumbnailUrl(ctx.config, '우주')).toBeNull();
    // Without S3 the app serves the defaults itself.
    const url = defaultGroupThumbnailUrl(ctx.config, '트랙') as string;
    const res = await request(ctx.app).get(url.slice(ctx.config.publicUrl.length));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
  });

  it('recognises only our own image URLs when reading kept images', () => {
    const base = ctx.config.images.baseUrl;
    expect(keyFromImageUrl(ctx.config, `${base}/w_758/1653467320472.JPG`)).toBe(
      '1653467320472.JPG',
    );
    expect(keyFromImageUrl(ctx.config, `${base}/groupthumbnail/abc.webp`)).toBe('abc.webp');
    expect(keyFromImageUrl(ctx.config, '4701653467320472.JPG')).toBe('4701653467320472.JPG');
    expect(keyFromImageUrl(ctx.config, 'https://elsewhere.example.com/w_758/abc.webp')).toBeNull();
    expect(keyFromImageUrl(ctx.config, `${base}/w_758/../../etc/passwd`)).toBeNull();
    expect(
      keyFromImageUrl(ctx.config, defaultGroupThumbnailUrl(ctx.config, '공원') as string),
    ).toBeNull();
  });

  it('never lets an edit keep an image the post does not have', () => {
    const plan = planImageSlots(ctx.config, ['mine.webp', null, null], ['someone-elses.webp'], []);
    expect(plan.slots).toEqual([null, null, null]);
    expect(plan.removed).toEqual(['mine.webp']);
    expect(() => planImageSlots(ctx.config, ['a', 'b', null], ['a', 'b'], ['c', 'd'])).toThrow(
      '이미지는 최대 3개까지 등록할 수 있습니다.',
    );
  });
});

/** Lets the event loop run until `done()` holds (what it waits for is started by the test). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Holds every image preparation at a gate until the test opens it, counting how many are
 * inside at once; the real preparation runs once the gate is open.
 */
function holdPreparations() {
  const real = processing.prepareImage;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const seen = { entered: 0, inside: 0, most: 0 };
  const spy = jest.spyOn(processing, 'prepareImage').mockImplementation(async (file, max) => {
    seen.entered += 1;
    seen.inside += 1;
    seen.most = Math.max(seen.most, seen.inside);
    try {
      await gate;
      return await real(file, max);
    } finally {
      seen.inside -= 1;
    }
  });
  return { seen, open, restore: () => spy.mockRestore() };
}

describe('preparing images, a few at a time per process', () => {
  let ctx: TestContext | undefined;
  let held: ReturnType<typeof holdPreparations>;
  afterEach(async () => {
    held.restore();
    await ctx?.close();
    ctx = undefined;
  });

  async function contextWith(limits: { concurrency: number; queueLimit: number }) {
    const { images } = loadConfig(process.env);
    ctx = await createTestContext({ images: { ...images, ...limits } });
    return ctx;
  }

  /** One request with one image, started at once (supertest starts on `then`). */
  const upload = async (app: express.Express) =>
    request(app)
      .post('/posts')
      .attach('thumbnail', await png(64, 48), 'p.png')
      .then((res) => res);

  it('never prepares more than IMAGE_CONCURRENCY images at once; the others wait their turn', async () => {
    const { images } = await contextWith({ concurrency: 2, queueLimit: 10 });
    const app = postApp(ctx as TestContext);
    held = holdPreparations();
    const responses = Promise.all(Array.from({ length: 6 }, () => upload(app)));
    await until(() => images.preparation.waiting === 4);
    expect(images.preparation).toEqual({ running: 2, waiting: 4 });
    expect(held.seen.entered).toBe(2);

    held.open();
    const answered = await responses;
    expect(answered.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(held.seen).toEqual({ entered: 6, inside: 0, most: 2 });
  });

  it('answers 503 with Retry-After when too many images already wait, and prepares nothing for it', async () => {
    const { images } = await contextWith({ concurrency: 1, queueLimit: 1 });
    const app = postApp(ctx as TestContext);
    held = holdPreparations();
    const first = upload(app);
    await until(() => images.preparation.running === 1);
    const second = upload(app);
    await until(() => images.preparation.waiting === 1);

    const third = await upload(app);
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('5');
    expect(third.body).toEqual({
      success: false,
      message: '지금은 이미지를 처리하는 요청이 많습니다. 잠시 후 다시 시도해주세요.',
    });
    expect(held.seen.entered).toBe(1);

    held.open();
    expect([(await first).status, (await second).status]).toEqual([200, 200]);
    expect(held.seen.entered).toBe(2);
  });
});

describe('image preparation settings', () => {
  const settings = (env: Record<string, string>) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-images-config-'));
    try {
      return loadConfig({ DATA_DIR: dataDir, ...env }).images;
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };

  it('prepares two images at once by default, with twelve more waiting', () => {
    expect(settings({})).toMatchObject({ concurrency: 2, queueLimit: 12 });
    expect(settings({ UV_THREADPOOL_SIZE: '8', IMAGE_CONCURRENCY: '6' }).concurrency).toBe(6);
  });

  it("refuses an IMAGE_CONCURRENCY that would leave fewer than two of libuv's threads free", () => {
    expect(() => settings({ IMAGE_CONCURRENCY: '3' })).toThrow(ConfigError);
    expect(() => settings({ IMAGE_CONCURRENCY: '3' })).toThrow(/UV_THREADPOOL_SIZE/);
    expect(() => settings({ UV_THREADPOOL_SIZE: '2' })).toThrow(/IMAGE_CONCURRENCY \(2\)/);
  });
});

describe('ConcurrencyLimit', () => {
  it('starts waiting tasks in arrival order as slots free up, and refuses past the line', async () => {
    const limit = new ConcurrencyLimit(1, 2);
    const started: string[] = [];
    const finish: Record<string, () => void> = {};
    const task = (name: string) =>
      limit.run(async () => {
        started.push(name);
        await new Promise<void>((resolve) => {
          finish[name] = resolve;
        });
      });
    const runs = [task('a'), task('b'), task('c')];
    await expect(task('d')).rejects.toBeInstanceOf(QueueFullError);
    await until(() => started.length === 1);
    finish.a();
    await until(() => started.length === 2);
    finish.b();
    await until(() => started.length === 3);
    finish.c();
    await Promise.all(runs);
    expect(started).toEqual(['a', 'b', 'c']);
    expect([limit.running, limit.waiting]).toEqual([0, 0]);
  });
});
