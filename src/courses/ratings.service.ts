import type { AppContext } from '../lib/context';
import { forbidden, notFound } from '../lib/errors';
import { StarPoint } from '../db/models';
import { findRatingTotals } from './courses.queries';
import { COURSE } from './messages';
import { lockCourse, refreshStats, starPointOf } from './stats';
import { transactionRetryingDeadlocks } from '../db/retry';

export interface StarPointSummary {
  starPoint: number;
  starPeople: number;
  /** The viewer's own rating, 0 when they have none (or are a guest). */
  myStarPoint: number;
}

/**
 * `PATCH /course/:courseId/starPoint`: 1-5 sets or changes the user's rating, `null` removes it
 * (the SPA sends null when the selected star is clicked again). Authors cannot rate their own
 * course: it would let them lift it in the ranking. Changes to one course take turns on its row
 * lock, and the unique (courseId, userId) key keeps one rating per user whatever happens. The
 * user's rating is looked up with a plain read under that lock (see `toggleBookmark` for why
 * not a locking one).
 */
export async function rateCourse(
  ctx: Pick<AppContext, 'sequelize'>,
  userId: string,
  courseId: string,
  value: number | null,
): Promise<StarPointSummary> {
  return transactionRetryingDeadlocks(ctx.sequelize, async (transaction) => {
    const course = await lockCourse(courseId, transaction);
    if (course.userId === userId) throw forbidden(COURSE.ownCourseRating);
    const where = { courseId, userId };
    const existing = await StarPoint.findOne({ where, transaction });
    if (value === null) await existing?.destroy({ transaction });
    else if (existing) await existing.update({ myStarPoint: value }, { transaction });
    else await StarPoint.create({ ...where, myStarPoint: value }, { transaction });
    const stats = await refreshStats(courseId, transaction);
    return { starPoint: stats.starPoint, starPeople: stats.starPeople, myStarPoint: value ?? 0 };
  });
}

/** `GET /course/:courseId/starPoint`: the average, how many rated, and the viewer's rating. */
export async function summarizeRatings(
  ctx: Pick<AppContext, 'sequelize'>,
  courseId: string,
  viewerId: string | null,
): Promise<StarPointSummary> {
  const totals = await findRatingTotals(ctx.sequelize, courseId, viewerId);
  if (!totals) throw notFound(COURSE.notFound);
  return {
    starPoint: starPointOf(totals.total, totals.people),
    starPeople: totals.people,
    myStarPoint: totals.mine ?? 0,
  };
}
