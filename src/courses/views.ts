import type { AppContext } from '../lib/context';

/** Who is looking at a course: the signed-in user, or a guest known by their address. */
export interface CourseViewer {
  userId: string | null;
  ip: string;
}

/**
 * Whether this view raises the course's `clickCnt`, which feeds the ranking: each viewer counts
 * once per window of COURSE_VIEW_WINDOW_SECONDS, so reloading a page (or a script doing it) cannot
 * push a course up. The windows are numbered by the app clock and the first view of a window
 * claims its key in the shared key store, so every API process agrees. The author's own views
 * never count (as authors cannot rate their own course). When the store fails, the view is not
 * counted rather than the page failing.
 */
export async function countsAsView(
  ctx: Pick<AppContext, 'config' | 'store' | 'logger' | 'now'>,
  courseId: string,
  authorId: string,
  viewer: CourseViewer,
): Promise<boolean> {
  if (viewer.userId === authorId) return false;
  const windowSeconds = ctx.config.courses.viewWindowSeconds;
  const window = Math.floor(ctx.now().getTime() / (windowSeconds * 1000));
  const who = viewer.userId !== null ? `user:${viewer.userId}` : `ip:${viewer.ip}`;
  try {
    return await ctx.store.setIfAbsent(
      `course-view:${courseId}:${window}:${who}`,
      '1',
      windowSeconds,
    );
  } catch (err) {
    ctx.logger.warn('course view not counted: the key store failed', {
      error: (err as Error).message,
    });
    return false;
  }
}
