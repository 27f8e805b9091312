import { literal, type Transaction } from 'sequelize';
import { ImageRemoval } from '../db/models';

/** The image-removal queue (`ImageRemovals`): paths whose files are still to be deleted. */

/** Queues the paths, in the caller's transaction if any. */
export async function queueImagePaths(paths: string[], transaction?: Transaction): Promise<void> {
  await ImageRemoval.bulkCreate(
    paths.map((path) => ({ path })),
    { transaction, ignoreDuplicates: true },
  );
}

/** Counts a failed try on each path and keeps its error (at most 255 characters). */
export async function recordImageRemovalFailure(paths: string[], error: string): Promise<void> {
  await ImageRemoval.update(
    { attempts: literal('`attempts` + 1'), lastError: error.slice(0, 255) },
    { where: { path: paths } },
  );
}

export async function forgetImagePaths(paths: string[]): Promise<void> {
  await ImageRemoval.destroy({ where: { path: paths } });
}

/** The `limit` oldest queued paths. */
export async function oldestQueuedImagePaths(limit: number): Promise<string[]> {
  const rows = await ImageRemoval.findAll({
    attributes: ['path'],
    order: [['createdAt', 'ASC']],
    limit,
  });
  return rows.map((row) => row.path);
}
