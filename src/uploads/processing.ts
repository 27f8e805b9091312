import path from 'node:path';
import type { Metadata } from 'sharp';
import type SharpModule from 'sharp';
import { AppError, badRequest } from '../lib/errors';
import { VARIANTS, type Variant } from './urls';

export const UPLOAD_MESSAGES = {
  unsupported: '지원되는 이미지파일 형식이 아닙니다.',
  tooManyPixels: '이미지 해상도가 너무 큽니다.',
} as const;

/** The client's accepted extensions (the original's list); the bytes decide in the end. */
const ACCEPTED_EXTENSIONS = new Set([
  'jpg',
  'jpeg',
  'png',
  'gif',
  'svg',
  'bmp',
  'webp',
  'heic',
  'heif',
  'jfif',
]);

/**
 * Formats we can decode and resize. SVG is refused (scriptable, and served from our origin);
 * BMP and HEIC cannot be decoded by sharp's bundled libvips (HEIF support covers AVIF only).
 */
const DECODABLE_FORMATS = new Set(['jpeg', 'png', 'gif', 'webp', 'heif']);

/** Stored originals are bounded too: the SPA compresses to 1920 px before uploading anyway. */
const ORIGINAL_MAX_SIDE = 1920;

export interface PreparedImage {
  original: Buffer;
  variants: Record<Variant, Buffer>;
  contentType: 'image/webp';
  width: number;
  height: number;
}

export interface IncomingFile {
  originalname: string;
  buffer: Buffer;
}

function hasAcceptedExtension(name: string): boolean {
  const ext = path.extname(name).slice(1).toLowerCase();
  return ext === '' || ACCEPTED_EXTENSIONS.has(ext);
}

let sharpModule: Promise<typeof SharpModule> | undefined;

/**
 * sharp (libvips) is loaded at the first image, not at start: it adds about 20 MB to the
 * resident memory of a process, which an API answering reads (or the worker) never needs.
 */
function loadSharp(): Promise<typeof SharpModule> {
  sharpModule ??= import('sharp').then(({ default: sharp }) => {
    // One libvips thread per image: how many images are prepared at once is bounded by the
    // caller (ImageService), and each must not spread over every core on its own.
    sharp.concurrency(1);
    // Every upload is a new image: libvips' operation cache would only hold memory.
    sharp.cache(false);
    return sharp;
  });
  return sharpModule;
}

/**
 * Checks that the bytes are a real image we can handle and makes the stored forms: the original
 * (bounded) and the two display variants, EXIF orientation applied, metadata stripped (no GPS
 * positions of runners' homes), re-encoded as WebP. Animated images keep their first frame.
 * The size is read from the header first, so an image with too many pixels is refused before
 * it is decoded; the image is then decoded once, and the steps run one after another (each
 * holds one thread of libuv's pool). Nothing is stored here.
 */
export async function prepareImage(file: IncomingFile, maxPixels: number): Promise<PreparedImage> {
  if (!hasAcceptedExtension(file.originalname)) throw badRequest(UPLOAD_MESSAGES.unsupported);
  const sharp = await loadSharp();

  let meta: Metadata;
  try {
    meta = await sharp(file.buffer, { limitInputPixels: false }).metadata();
  } catch {
    throw badRequest(UPLOAD_MESSAGES.unsupported);
  }
  if (!meta.format || !DECODABLE_FORMATS.has(meta.format) || !meta.width || !meta.height) {
    throw badRequest(UPLOAD_MESSAGES.unsupported);
  }
  if (meta.width * meta.height > maxPixels) throw new AppError(413, UPLOAD_MESSAGES.tooManyPixels);

  try {
    // The one full decode: upright and no larger than the stored original, as raw pixels.
    const base = await sharp(file.buffer, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate()
      .resize({
        width: ORIGINAL_MAX_SIDE,
        height: ORIGINAL_MAX_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height, channels } = base.info;
    const fromBase = () => sharp(base.data, { raw: { width, height, channels } });

    const original = await fromBase().webp({ quality: 85 }).toBuffer();
    const variants = {} as Record<Variant, Buffer>;
    for (const v of VARIANTS) {
      variants[v.name] = await fromBase()
        .resize({ width: v.width, withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
    }
    return { original, variants, contentType: 'image/webp', width, height };
  } catch {
    // Truncated or corrupt data that the header check let through.
    throw badRequest(UPLOAD_MESSAGES.unsupported);
  }
}
