import { regionFromAddress } from '../lib/codes';
import type { AppContext } from '../lib/context';
import { badRequest, forbidden, notFound } from '../lib/errors';
import { routeSourceOf } from '../lib/gpx';
import { planImageSlots, type PreparedImage } from '../uploads';
import { Course } from '../db/models';
import { JsonText } from '../lib/json-text';
import { COURSE_DETAILS, courseDetailCacheOf, courseDetailKey } from './course-caches';
import { courseDetailJson, toCourseDetail, toCourseDetailTemplate } from './courses.mapper';
import { bookmarkedAmong } from './courses.queries';
import { findCourseDetail } from './detail.queries';
import { lockCourseRow } from './marks.queries';
import { forgetRanking } from './feed';
import { COURSE } from './messages';
import type { LatLng } from '../lib/route';
import { countsAsView, courseViewsOf, type CourseViewer } from './views';

type CourseDetail = ReturnType<typeof toCourseDetail>;

/** What the SPA's course form sends (#37), validated. */
export interface CourseInput {
  title: string;
  content: string;
  location: string;
  mapLatLng: LatLng[];
  distance: number;
  totalTime: string;
  thema: string;
  parking?: string;
  baggage?: string;
}

/** An edit: any field left out stays as it is. */
export interface CourseEdit {
  courseId: string;
  fields: Partial<CourseInput>;
  /**
   * The images to keep, as the URLs (or keys) the API handed out; undefined when the request
   * says nothing about them. New files fill the slots after the kept ones.
   */
  keep: unknown;
  images: PreparedImage[];
}

/** The stored form of the fields sent: the route as JSON text, the region from the address. */
function columnsOf(fields: Partial<CourseInput>): Partial<Course> {
  const { mapLatLng, ...rest } = fields;
  return {
    ...rest,
    ...(mapLatLng !== undefined && { mapLatLng: JSON.stringify(mapLatLng) }),
    ...(fields.location !== undefined && { region: regionFromAddress(fields.location) }),
  };
}

const imageKeys = (course: Course) => [
  course.courseImageUrl1,
  course.courseImageUrl2,
  course.courseImageUrl3,
];

/** The edit's image columns and the keys it frees; a course keeps at least one image. */
function planImages(
  ctx: Pick<AppContext, 'config'>,
  course: Course,
  keep: unknown,
  newKeys: string[],
) {
  const { slots, removed } = planImageSlots(ctx.config, imageKeys(course), keep, newKeys);
  const [first, second, third] = slots;
  if (first === null) throw badRequest(COURSE.imageMissing);
  return {
    columns: { courseImageUrl1: first, courseImageUrl2: second, courseImageUrl3: third },
    removed,
  };
}

/**
 * `POST /course`: a course needs at least one photo (checked after the fields, as in the
 * original); stores the images, then the course. If the row cannot be written, the images just
 * stored are removed again.
 */
export async function createCourse(
  ctx: Pick<AppContext, 'images' | 'logger' | 'metrics' | 'now' | 'store'>,
  authorId: string,
  input: CourseInput,
  images: PreparedImage[],
): Promise<string> {
  if (images.length === 0) throw badRequest(COURSE.imageMissing);
  const keys = await ctx.images.store(images, 'course');
  try {
    const course = await Course.create({
      ...input,
      mapLatLng: JSON.stringify(input.mapLatLng),
      region: regionFromAddress(input.location),
      userId: authorId,
      parking: input.parking ?? null,
      baggage: input.baggage ?? null,
      courseImageUrl1: keys[0],
      courseImageUrl2: keys[1] ?? null,
      courseImageUrl3: keys[2] ?? null,
      starPoint: 0,
      createdAt: ctx.now(),
    });
    // In a region with few courses, a new one enters its ranking.
    await forgetRanking(ctx);
    return course.courseId;
  } catch (err) {
    ctx.images.remove('course', keys);
    throw err;
  }
}

/** The course, if it exists (404) and `userId` wrote it (403). */
function ownCourse<T extends Pick<Course, 'userId'>>(course: T | null, userId: string): T {
  if (!course) throw notFound(COURSE.notFound);
  if (course.userId !== userId) throw forbidden(COURSE.notAuthorUpdate);
  return course;
}

/**
 * Refuses an edit of a course that does not exist (404) or is someone else's (403) with one
 * primary key read, before the request's files are read; `updateCourse` checks again.
 */
export async function assertAuthor(userId: string, courseId: string): Promise<void> {
  ownCourse(await Course.findByPk(courseId, { attributes: ['courseId', 'userId'] }), userId);
}

/**
 * `PATCH /course/:courseId` (author only). Every check that can refuse the edit runs before a
 * new image is stored; the row is then changed under its lock, and the images it no longer uses
 * are deleted once that is committed (or the new ones, if it is not).
 */
export async function updateCourse(
  ctx: Pick<AppContext, 'config' | 'images' | 'logger' | 'metrics' | 'sequelize' | 'store'>,
  userId: string,
  edit: CourseEdit,
): Promise<void> {
  const { courseId } = edit;
  const changesImages = edit.keep !== undefined || edit.images.length > 0;
  const before = ownCourse(await Course.findByPk(courseId), userId);
  if (changesImages) {
    // A dry run with stand-in keys: too many photos, or none left, is refused before any is stored.
    planImages(
      ctx,
      before,
      edit.keep,
      edit.images.map((_, i) => `new-${i}`),
    );
  }

  const newKeys = await ctx.images.store(edit.images, 'course');
  let regions: number[];
  try {
    regions = await ctx.sequelize.transaction(async (transaction) => {
      // The row's lock first, then the whole row for the model's update (see `lockCourseRow`).
      ownCourse(await lockCourseRow(ctx.sequelize, courseId, transaction), userId);
      const course = (await Course.findByPk(courseId, { transaction })) as Course;
      const values = columnsOf(edit.fields);
      const images = changesImages ? planImages(ctx, course, edit.keep, newKeys) : null;
      const moved = [course.region, values.region ?? course.region];
      await course.update({ ...values, ...images?.columns }, { transaction });
      await ctx.images.removeOnCommit(
        ctx.images.pathsOf('course', images?.removed ?? []),
        transaction,
      );
      // A course that changes region leaves the cached rankings of its old one.
      return moved[0] === moved[1] ? [] : moved;
    });
  } catch (err) {
    ctx.images.remove('course', newKeys);
    throw err;
  }
  if (regions.length > 0) await forgetRanking(ctx);
}

/**
 * `DELETE /course/:courseId` (author only): bookmarks, ratings and comments go with the row
 * (foreign keys cascade), the images once it is gone.
 */
export async function deleteCourse(
  ctx: Pick<AppContext, 'images' | 'logger' | 'metrics' | 'sequelize' | 'store'>,
  userId: string,
  courseId: string,
): Promise<void> {
  await ctx.sequelize.transaction(async (transaction) => {
    const locked = await lockCourseRow(ctx.sequelize, courseId, transaction);
    if (!locked) throw notFound(COURSE.notFound);
    if (locked.userId !== userId) throw forbidden(COURSE.notAuthorDelete);
    const row = (await Course.findByPk(courseId, { transaction })) as Course; // for its hooks
    await row.destroy({ transaction });
    await ctx.images.removeOnCommit(ctx.images.pathsOf('course', imageKeys(row)), transaction);
  });
  await forgetRanking(ctx);
}

/**
 * `GET /course/detail/:courseId`: the detail, counting the view once per viewer and window (see
 * `countsAsView`) in the key store, written to the database in batches (`CourseViews`); the
 * answer carries the stored count plus the pending views, this one included. Through the detail
 * cache when it is on: it keeps the page's JSON as a guest sees it with the stored count, and
 * the pending views and the viewer's bookmark are read per request.
 */
export async function viewCourse(
  ctx: Pick<AppContext, 'config' | 'logger' | 'now' | 'sequelize' | 'store'>,
  courseId: string,
  viewer: CourseViewer,
): Promise<CourseDetail | JsonText> {
  const cache = courseDetailCacheOf(ctx.sequelize);
  if (!cache) {
    const found = await findCourseDetail(ctx.sequelize, courseId, viewer.userId);
    if (!found) throw notFound(COURSE.detailFailed);
    const { course, author, bookmark } = found;
    course.clickCnt += await viewsShown(ctx, courseId, course.userId, viewer);
    return toCourseDetail(ctx.config, course, author, bookmark);
  }
  // A miss reads the viewer's bookmark with the page (as without the cache); a hit reads it alone.
  let ownBookmark: boolean | null = null;
  const page = await cache.get(courseDetailKey(courseId), ctx.now(), async () => {
    const found = await findCourseDetail(ctx.sequelize, courseId, viewer.userId);
    if (!found) return null;
    const { course, author, bookmark } = found;
    ownBookmark = bookmark;
    return {
      authorId: course.userId,
      clickCnt: course.clickCnt,
      json: toCourseDetailTemplate(ctx.config, course, author),
    };
  });
  if (!page) throw notFound(COURSE.detailFailed);
  const [pending, bookmarked] = await Promise.all([
    viewsShown(ctx, courseId, page.authorId, viewer),
    ownBookmark ?? (viewer.userId !== null && isBookmarked(ctx, courseId, viewer.userId)),
  ]);
  return new JsonText(courseDetailJson(page.json, page.clickCnt + pending, bookmarked));
}

const isBookmarked = async (
  ctx: Pick<AppContext, 'sequelize'>,
  courseId: string,
  userId: string,
): Promise<boolean> => (await bookmarkedAmong(ctx.sequelize, [courseId], userId)).has(courseId);

/** The views to add to the stored count: this one counted if it counts, and the pending ones. */
async function viewsShown(
  ctx: Pick<AppContext, 'config' | 'logger' | 'now' | 'sequelize' | 'store'>,
  courseId: string,
  authorId: string,
  viewer: CourseViewer,
): Promise<number> {
  const views = courseViewsOf(ctx);
  return (await countsAsView(ctx, courseId, authorId, viewer))
    ? views.add(courseId)
    : views.pending(courseId);
}

/** `GET /course/:courseId/route.gpx`: public like the detail page; 404 when there is no course. */
export const COURSE_ROUTE = routeSourceOf(
  { table: 'Courses', key: 'courseId' },
  {
    cache: COURSE_DETAILS.name,
    kind: 'course',
    missing: COURSE.notFound,
  },
);
