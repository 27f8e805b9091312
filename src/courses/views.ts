import type { AppContext } from '../lib/context';
import type { KeyStore } from '../store/keystore';
import { courseDetailCacheOf } from './course-caches';
import { addCourseViews } from './detail.queries';

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

type ViewDeps = Pick<AppContext, 'logger' | 'sequelize' | 'store'>;

/** A course's views counted but not yet written to `Courses.clickCnt`. */
const pendingKey = (courseId: string) => `course-views:pending:${courseId}`;
/** A pending count left by a process that died is kept this long for a later flush to take. */
const PENDING_TTL_SECONDS = 7 * 24 * 3600;
/** Courses per UPDATE statement of a flush. */
const FLUSH_CHUNK = 500;

/**
 * Counted views, kept in the key store and written to the database in batches: a detail request
 * adds one to its course's pending counter instead of committing an UPDATE, and shows the stored
 * count plus the pending one. Every process remembers which courses it counted and flushes them
 * (`flush`, run every COURSE_VIEW_FLUSH_SECONDS by the API and once more on a graceful shutdown):
 * it takes each counter (read and delete in one step, so views counted meanwhile start a new one)
 * and adds the counts in one statement; if that fails they are put back for the next flush.
 * A process killed without its shutdown leaves its counters in the store; they are still shown,
 * and written by whichever process next counts a view of the same course.
 */
export class CourseViews {
  private readonly touched = new Set<string>();
  /** The flushes run one after another (the interval and the shutdown may meet). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: ViewDeps) {}

  /** Counts one view; the course's pending count including it (0 when the store failed). */
  async add(courseId: string): Promise<number> {
    try {
      const pending = await this.ctx.store.increment(pendingKey(courseId), PENDING_TTL_SECONDS);
      this.touched.add(courseId);
      return pending;
    } catch (err) {
      this.ctx.logger.warn('course view not counted: the key store failed', {
        error: (err as Error).message,
      });
      return 0;
    }
  }

  /** The course's views counted and not yet written (0 when the store fails). */
  async pending(courseId: string): Promise<number> {
    try {
      return Number((await this.ctx.store.get(pendingKey(courseId))) ?? 0);
    } catch {
      return 0;
    }
  }

  /** Writes this process's pending views to the database; how many were written. */
  flush(): Promise<number> {
    const run = this.queue.then(() => this.drain());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async drain(): Promise<number> {
    const ids = [...this.touched];
    this.touched.clear();
    let written = 0;
    for (let i = 0; i < ids.length; i += FLUSH_CHUNK) {
      written += await this.write(this.ctx.store, ids.slice(i, i + FLUSH_CHUNK));
    }
    return written;
  }

  private async write(store: KeyStore, ids: string[]): Promise<number> {
    const views: Array<[string, number]> = [];
    for (const id of ids) {
      try {
        const count = Number((await store.take(pendingKey(id))) ?? 0);
        if (count > 0) views.push([id, count]);
      } catch (err) {
        // Still in the store: the next flush (or another process) takes it.
        this.touched.add(id);
        this.ctx.logger.warn('course views not flushed: the key store failed', {
          error: (err as Error).message,
        });
      }
    }
    try {
      await addCourseViews(this.ctx.sequelize, views);
    } catch (err) {
      this.ctx.logger.warn('course views not flushed: the database failed; kept for later', {
        error: (err as Error).message,
      });
      for (const [id, count] of views) {
        await store.increment(pendingKey(id), PENDING_TTL_SECONDS, count).catch(() => undefined);
        this.touched.add(id);
      }
      return 0;
    }
    // The stored counts moved (by SQL, which runs no hook): cached details read them again.
    if (views.length > 0) await courseDetailCacheOf(this.ctx.sequelize)?.invalidate();
    return views.reduce((sum, [, count]) => sum + count, 0);
  }
}

const instances = new WeakMap<KeyStore, CourseViews>();

/** This process's view counter on this key store. */
export function courseViewsOf(ctx: ViewDeps): CourseViews {
  let views = instances.get(ctx.store);
  if (!views) instances.set(ctx.store, (views = new CourseViews(ctx)));
  return views;
}

/**
 * Flushes the pending views every COURSE_VIEW_FLUSH_SECONDS (the API server runs it); `stop`
 * ends the interval and writes what is left (graceful shutdown: nothing counted is lost).
 */
export function startCourseViewFlush(ctx: ViewDeps & Pick<AppContext, 'config'>): {
  stop(): Promise<void>;
} {
  const views = courseViewsOf(ctx);
  const timer = setInterval(() => {
    void views.flush().catch((err: unknown) => {
      ctx.logger.warn('course view flush failed', { error: (err as Error).message });
    });
  }, ctx.config.courses.viewFlushSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await views.flush();
    },
  };
}
