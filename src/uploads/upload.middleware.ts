import '../lib/locals';
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { AppError, badRequest } from '../lib/errors';
import type { AppContext } from '../lib/context';
import type { PreparedImage } from './processing';
import { SLOT_MESSAGES } from './images.service';

const MESSAGES = {
  fileTooLarge: (mb: number) => `이미지 파일은 ${mb}MB 이하만 업로드할 수 있습니다.`,
  fieldTooLarge: '입력값이 너무 깁니다.',
  unexpectedField: '허용되지 않은 파일 항목입니다.',
  malformed: '요청 형식이 올바르지 않습니다.',
} as const;

/** Text fields of a post can be long (the route as JSON), but not unbounded. */
const MAX_FIELD_BYTES = 1024 * 1024;

function translate(err: unknown, field: string, maxFileBytes: number): AppError {
  if (err instanceof multer.MulterError) {
    switch (err.code) {
      case 'LIMIT_FILE_SIZE':
        return new AppError(413, MESSAGES.fileTooLarge(Math.round(maxFileBytes / 1024 / 1024)));
      case 'LIMIT_FIELD_VALUE':
        return new AppError(413, MESSAGES.fieldTooLarge);
      case 'LIMIT_FILE_COUNT':
        return badRequest(SLOT_MESSAGES.tooMany);
      case 'LIMIT_UNEXPECTED_FILE':
        return badRequest(err.field === field ? SLOT_MESSAGES.tooMany : MESSAGES.unexpectedField);
      default:
        return badRequest(MESSAGES.malformed);
    }
  }
  return badRequest(MESSAGES.malformed);
}

/**
 * Parses a multipart request (text fields into req.body, up to `maxCount` files of `field` into
 * memory), checks the bytes of every file and prepares its stored forms. Nothing is stored yet:
 * the service stores the images once the rest of the request is valid, so a rejected request
 * leaves no objects behind. Requests that are not multipart pass through with no images.
 * A route editing an existing post checks who may edit it before this runs, so a stranger's
 * files are neither read nor decoded.
 */
export function uploadImages(
  ctx: Pick<AppContext, 'config' | 'images'>,
  options: { field: string; maxCount: number },
): RequestHandler {
  const { maxFileBytes } = ctx.config.images;
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: maxFileBytes,
      files: options.maxCount,
      fieldSize: MAX_FIELD_BYTES,
      fields: 50,
      parts: 50 + options.maxCount,
      fieldNameSize: 200,
    },
  }).array(options.field, options.maxCount);

  return async (req: Request, res: Response, next) => {
    await new Promise<void>((resolve, reject) =>
      parse(req, res, (err: unknown) =>
        err ? reject(translate(err, options.field, maxFileBytes)) : resolve(),
      ),
    );
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    const prepared: PreparedImage[] = [];
    // One at a time: decoding three 15 MB images at once would triple the peak memory.
    for (const file of files) prepared.push(await ctx.images.prepare(file));
    req.files = undefined;
    res.locals.images = prepared;
    next();
  };
}

/** The images prepared by `uploadImages` for this request (none for a JSON request). */
export function uploadedImages(res: Response): PreparedImage[] {
  return res.locals.images ?? [];
}
