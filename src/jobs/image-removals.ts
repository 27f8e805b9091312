import type { JobOptions, WorkerDeps } from './deps';

export interface ImageRemovalResult {
  removed: number;
  /** Paths the storage refused this time; they stay queued. */
  left: number;
  interrupted: boolean;
}

/**
 * Deletes the images still queued for deletion (a withdrawal whose storage call failed, see
 * ImageService.queueRemoval), a batch at a time, oldest first. A batch the storage refuses stays
 * queued and ends the run: the storage is likely down, and the next run tries again.
 */
export async function runImageRemovals(
  deps: Pick<WorkerDeps, 'images' | 'logger' | 'settings'>,
  { signal }: JobOptions,
): Promise<ImageRemovalResult> {
  const result: ImageRemovalResult = { removed: 0, left: 0, interrupted: false };
  for (;;) {
    if (signal?.aborted) {
      result.interrupted = true;
      break;
    }
    const { removed, left } = await deps.images.sweepQueued(deps.settings.batchSize);
    result.removed += removed;
    result.left += left;
    if (left > 0 || removed < deps.settings.batchSize) break;
  }
  if (result.removed > 0) deps.logger.info('queued images deleted', { ...result });
  if (result.left > 0) deps.logger.warn('queued images not deleted yet', { ...result });
  return result;
}
