import crypto from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { Config } from '../config';
import { ConcurrencyLimit, QueueFullError } from '../lib/concurrency';
import { badRequest, UnavailableError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { prepareImage, type IncomingFile, type PreparedImage } from './processing';
import type { ObjectStorage } from './storage';
import { isHostFreeRef, keyFromImageUrl, objectPaths, type ImageKind } from './urls';
import {
  forgetImagePaths,
  oldestQueuedImagePaths,
  queueImagePaths,
  recordImageRemovalFailure,
} from './uploads.queries';

export const MAX_IMAGES_PER_POST = 3;
export const SLOT_MESSAGES = {
  tooMany: `이미지는 최대 ${MAX_IMAGES_PER_POST}개까지 등록할 수 있습니다.`,
  storeFailed: '이미지를 저장하지 못했습니다. 잠시 후 다시 시도해주세요.',
  busy: '지금은 이미지를 처리하는 요청이 많습니다. 잠시 후 다시 시도해주세요.',
} as const;

/** A new key: time first (sortable, like the original's), then randomness. */
function newKey(): string {
  return `${Date.now()}${crypto.randomBytes(5).toString('hex')}.webp`;
}

/**
 * Prepares uploaded images (a few at a time per process), stores them (original + variants, all
 * written before the call returns) and deletes them again. Deletion never fails or delays a
 * user's request: every deletion is queued in `ImageRemovals` (with the change that freed the
 * paths, where there is a transaction) and done after the answer; what the storage refuses
 * stays queued until the worker's sweep has done it.
 */
export class ImageService {
  /**
   * Decoding and resizing is the costliest work a request can ask for, and it runs on libuv's
   * pool, which the SQLite driver and file writes share: only `images.concurrency` images are
   * prepared at once, `images.queueLimit` more wait their turn, and beyond that the request is
   * refused with 503 (and Retry-After) rather than left waiting.
   */
  private readonly preparing: ConcurrencyLimit;

  /** Deletions that run after their request was answered (see {@link settled}). */
  private readonly afterAnswerWork = new Set<Promise<void>>();

  constructor(
    private readonly storage: ObjectStorage,
    private readonly config: Pick<Config, 'images'>,
    private readonly logger: Logger,
  ) {
    this.preparing = new ConcurrencyLimit(config.images.concurrency, config.images.queueLimit);
  }

  get storageKind() {
    return this.storage.kind;
  }

  /** Images being prepared now, and waiting for their turn. */
  get preparation(): { running: number; waiting: number } {
    return { running: this.preparing.running, waiting: this.preparing.waiting };
  }

  /** Checks an uploaded file and makes its stored forms (nothing is stored yet). */
  async prepare(file: IncomingFile): Promise<PreparedImage> {
    try {
      return await this.preparing.run(() => prepareImage(file, this.config.images.maxPixels));
    } catch (err) {
      if (err instanceof QueueFullError) throw new UnavailableError(SLOT_MESSAGES.busy);
      throw err;
    }
  }

  /** Stores every image or none: on a failure the ones already written are removed. */
  async store(images: PreparedImage[], kind: ImageKind): Promise<string[]> {
    const keys = images.map(() => newKey());
    const puts = images.flatMap((image, i) => {
      const [originalPath, ...variantPaths] = objectPaths(kind, keys[i]);
      const variants = Object.values(image.variants);
      return [
        this.storage.put({
          path: originalPath,
          body: image.original,
          contentType: image.contentType,
        }),
        ...variantPaths.map((p, v) =>
          this.storage.put({ path: p, body: variants[v], contentType: image.contentType }),
        ),
      ];
    });
    // Every write is waited for, failed or not: cleaning up at the first failure would race
    // the writes still in flight, which could land after the delete and stay orphaned.
    const failure = (await Promise.allSettled(puts)).find((r) => r.status === 'rejected');
    if (failure) {
      const err: unknown = failure.reason;
      this.logger.error('storing images failed', { error: (err as Error).message });
      // A storage that failed may hang on the deletes too: the request is answered now, not
      // after their retries as well (up to twice the storage's time budget).
      this.removeAfterAnswer(keys.flatMap((k) => objectPaths(kind, k)));
      throw new UnavailableError(SLOT_MESSAGES.storeFailed);
    }
    return keys;
  }

  /**
   * Deletes the paths after the request is answered: queued for removal first (so the worker
   * tries again whatever the storage refuses now), then deleted and forgotten.
   */
  private removeAfterAnswer(paths: string[]): void {
    if (paths.length === 0) return;
    this.runAfterAnswer(async () => {
      try {
        await queueImagePaths(paths);
      } catch (err) {
        this.logger.warn('image deletion could not be queued', {
          error: (err as Error).message,
          paths,
        });
      }
      await this.removeQueued(paths);
    });
  }

  /** Runs `work` without holding up the request, tracked until it ends (see {@link settled}). */
  private runAfterAnswer(work: () => Promise<unknown>): void {
    const running = work().then(
      () => undefined,
      () => undefined,
    );
    this.afterAnswerWork.add(running);
    void running.finally(() => this.afterAnswerWork.delete(running));
  }

  /** Waits for the deletions still running after their requests' answers (at shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.afterAnswerWork]);
  }

  /**
   * Deletes the originals and variants of keys just stored (nulls ignored) once the request is
   * answered: images stored for a write that failed. What the storage refuses stays queued for
   * the worker.
   */
  remove(kind: ImageKind, keys: Array<string | null | undefined>): void {
    this.removeAfterAnswer(this.keyPaths(kind, keys));
  }

  /** The storage paths (original and variants) of keys just stored; nulls ignored. */
  private keyPaths(kind: ImageKind, keys: Array<string | null | undefined>): string[] {
    return [...new Set(keys.filter((k): k is string => Boolean(k)))].flatMap((k) =>
      objectPaths(kind, k),
    );
  }

  /** Deletes a profile picture given its URL, if it is one of ours (not a Kakao/Naver avatar). */
  removeProfileByUrl(url: string | null | undefined): void {
    this.removeAfterAnswer(this.pathsOf('profile', [url]));
  }

  /**
   * The storage paths (original and variants) of the images behind stored values: bare keys or
   * URLs of ours. Default thumbnails, the default avatar and provider avatars are not ours and
   * give none; a profile picture counts only as a stored `<variant>/<key>` or a URL under
   * IMAGE_BASE_URL.
   */
  pathsOf(kind: ImageKind, values: Array<string | null | undefined>): string[] {
    const base = `${this.config.images.baseUrl}/`;
    const ownProfile = (v: string) =>
      v.startsWith(base) || (isHostFreeRef(v) && !v.startsWith('/') && v.includes('/'));
    const keys = values
      .filter((v): v is string => typeof v === 'string' && v !== '')
      .filter((v) => kind !== 'profile' || ownProfile(v))
      .map((v) => keyFromImageUrl(this.config, v))
      .filter((k): k is string => k !== null);
    return [...new Set(keys)].flatMap((k) => objectPaths(kind, k));
  }

  /**
   * Records paths to delete in the caller's transaction (the outermost one), so the record
   * commits with the change that stopped using them and the deletion cannot be lost; once it
   * commits they are deleted after the answer, and the notification worker tries again whatever
   * the storage refused. A rolled-back transaction deletes nothing.
   */
  async removeOnCommit(paths: string[], transaction: Transaction): Promise<void> {
    if (paths.length === 0) return;
    await queueImagePaths(paths, transaction);
    transaction.afterCommit(() => this.runAfterAnswer(() => this.removeQueued(paths)));
  }

  /**
   * Deletes queued paths and forgets them; on a failure they stay queued with the error, for the
   * next sweep. Never throws: true when the paths are gone and forgotten.
   */
  async removeQueued(paths: string[]): Promise<boolean> {
    if (paths.length === 0) return true;
    try {
      await this.storage.delete(paths);
    } catch (err) {
      const error = (err as Error).message;
      this.logger.warn('deleting images failed; queued for another try', { error, paths });
      await recordImageRemovalFailure(paths, error).catch(() => undefined);
      return false;
    }
    try {
      await forgetImagePaths(paths);
      return true;
    } catch (err) {
      // The files are gone; the next sweep deletes nothing and forgets them.
      this.logger.warn('deleted images could not be unqueued', { error: (err as Error).message });
      return false;
    }
  }

  /** One sweep of the queue: the `limit` oldest paths. Returns how many were deleted. */
  async sweepQueued(limit: number): Promise<{ removed: number; left: number }> {
    const paths = await oldestQueuedImagePaths(limit);
    const removed = (await this.removeQueued(paths)) ? paths.length : 0;
    return { removed, left: paths.length - removed };
  }
}

export interface SlotPlan {
  /** The final keys in slot order (kept first, then the new ones), padded with nulls. */
  slots: [string | null, string | null, string | null];
  /** Keys no longer used, to delete once the edit is saved. */
  removed: string[];
}

/**
 * Edit semantics for a post's three image slots. `keep` holds what the SPA sent back for the
 * images to keep: the URLs it was given (or bare keys). Only images the post really has can be
 * kept; default thumbnails and foreign URLs are ignored. Kept images stay in their order, new
 * ones fill the following slots, and whatever is not kept is reported for deletion.
 */
export function planImageSlots(
  config: Pick<Config, 'images'>,
  current: Array<string | null>,
  keep: unknown,
  newKeys: string[],
): SlotPlan {
  const requested = (Array.isArray(keep) ? keep : keep === undefined || keep === null ? [] : [keep])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => keyFromImageUrl(config, v));
  const owned = current.filter((k): k is string => Boolean(k));
  const kept = [...new Set(requested.filter((k): k is string => k !== null && owned.includes(k)))];
  const final = [...kept, ...newKeys];
  if (final.length > MAX_IMAGES_PER_POST) throw badRequest(SLOT_MESSAGES.tooMany);
  return {
    slots: [final[0] ?? null, final[1] ?? null, final[2] ?? null],
    removed: owned.filter((k) => !kept.includes(k)),
  };
}
