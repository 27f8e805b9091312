import type { AppContext } from '../lib/context';
import { Bookmark } from '../db/models';
import { lockCourse, refreshStats } from './stats';

/**
 * `PATCH /course/:courseId/bookmark`: adds the bookmark, or removes it when it exists. Toggles of
 * one course take turns on its row lock, so a double click answers true then false and leaves no
 * bookmark, never two rows or an error.
 */
export async function toggleBookmark(
  ctx: Pick<AppContext, 'sequelize'>,
  userId: string,
  courseId: string,
): Promise<{ bookmark: boolean }> {
  return ctx.sequelize.transaction(async (transaction) => {
    await lockCourse(courseId, transaction);
    const removed = await Bookmark.destroy({ where: { courseId, userId }, transaction });
    if (removed === 0) await Bookmark.create({ courseId, userId }, { transaction });
    await refreshStats(courseId, transaction);
    return { bookmark: removed === 0 };
  });
}
