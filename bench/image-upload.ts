/**
 * How much time an image upload adds to a request: a 12-megapixel JPEG (4000 × 3000, photo-like
 * noise) is checked, resized into the stored original and both variants, and written to local
 * storage, as a create/edit request does before it answers.
 *
 *   npm run bench:images [-- --runs 10]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runsArgument } from '../src/cli/args';
import sharp from 'sharp';
import { createLogger } from '../src/lib/logger';
import { prepareImage } from '../src/uploads/processing';
import { ImageService } from '../src/uploads/images.service';
import { LocalStorage } from '../src/uploads/storage';

async function photo(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let seed = 1;
  for (let i = 0; i < raw.length; i += 1) {
    // Smooth gradients plus a little noise: compresses like a camera JPEG (~3-5 MB).
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const pixel = Math.floor(i / 3);
    raw[i] = ((pixel % width) / width) * 200 + ((seed >> 16) % 40);
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const runs = runsArgument({
    command: 'npm run bench:images --',
    summary: 'Times one image upload (checks, variants, storage) in this process.',
    counts: 'uploads timed',
    fallback: 10,
  });
  const input = await photo(4000, 3000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-bench-images-'));
  const images = new ImageService(
    new LocalStorage(dir),
    {
      images: {
        baseUrl: 'http://localhost/images',
        localDir: dir,
        s3: null,
        maxFileBytes: 15 << 20,
        maxPixels: 40_000_000,
        concurrency: 2,
        queueLimit: 12,
      },
    },
    createLogger({ level: 'silent', format: 'json' }),
  );

  const prepareMs: number[] = [];
  const totalMs: number[] = [];
  let peakRss = process.memoryUsage().rss;
  for (let i = 0; i < runs + 1; i += 1) {
    const start = performance.now();
    const prepared = await prepareImage({ originalname: 'photo.jpg', buffer: input }, 40_000_000);
    const prepared_at = performance.now();
    await images.store([prepared], 'group');
    const end = performance.now();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (i === 0) continue; // warm-up
    prepareMs.push(prepared_at - start);
    totalMs.push(end - start);
  }
  prepareMs.sort((a, b) => a - b);
  totalMs.sort((a, b) => a - b);
  fs.rmSync(dir, { recursive: true, force: true });

  console.log(
    `input: 4000x3000 JPEG, ${(input.length / 1024 / 1024).toFixed(1)} MB, ${runs} runs, ${os.cpus().length} cores`,
  );
  console.log('step                      p50 ms   p95 ms');
  console.log(
    `check + resize (sharp)   ${percentile(prepareMs, 50).toFixed(0).padStart(7)}  ${percentile(prepareMs, 95).toFixed(0).padStart(7)}`,
  );
  console.log(
    `total incl. local write  ${percentile(totalMs, 50).toFixed(0).padStart(7)}  ${percentile(totalMs, 95).toFixed(0).padStart(7)}`,
  );
  console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
}

void main();
