import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { Bookmark, Comment, Course, StarPoint, type User } from '../../src/db/models';
import { updateCommentCnt } from '../../src/courses/marks.queries';
import { refreshStats } from '../../src/courses/stats';
import { authHeaders, signIn, uniqueSuffix, type TestContext } from './context';
import { jpeg } from './images';

export const GUEST = authHeaders({});

/** Every stored object path (`courseImage/<key>`, `w_384/<key>`, …), sorted. */
export function storedFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

export const objectsOf = (key: string) => [`courseImage/${key}`, `w_384/${key}`, `w_758/${key}`];

/** Signs a user in once per test file and returns the SPA's two headers. */
export function headersFor(ctx: TestContext) {
  const cache = new Map<string, Record<string, string>>();
  return async (user: User) => {
    if (!cache.has(user.userId)) cache.set(user.userId, authHeaders(await signIn(ctx, user)));
    return cache.get(user.userId) as Record<string, string>;
  };
}

/** The text fields the SPA's course form sends (#37), as strings. */
export function courseForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    title: `대청호 오백리길 ${uniqueSuffix()}`,
    totalTime: '1h 30min',
    parking: '주차장 있음',
    baggage: '보관 불가',
    content: '호수를 따라 달리는 코스',
    thema: '강변',
    location: '대전 동구 신하동 123-4',
    distance: '15.25',
    mapLatLng: JSON.stringify([
      { lat: 36.35, lng: 127.45 },
      { lat: 36.36, lng: 127.46 },
    ]),
    ...overrides,
  };
}

/** A multipart request with the form's fields and `images` photos. */
export async function multipart(
  req: request.Test,
  fields: Record<string, string | string[]>,
  images: number,
): Promise<request.Test> {
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) req.field(name, v);
  }
  for (let i = 0; i < images; i += 1) {
    req.attach('courseImage', await jpeg(640 + i * 16, 480), `photo${i}.jpg`);
  }
  return req;
}

/**
 * A course written with the model, in Seoul (region 1) unless `attrs` say otherwise: regions
 * 2, 4, 8 and 9 belong to test files that check their course lists exactly.
 */
export async function makeCourse(author: User, attrs: Partial<Course> = {}): Promise<Course> {
  return Course.create({
    userId: author.userId,
    title: `테스트 코스 ${uniqueSuffix()}`,
    content: '설명',
    location: '서울 중구 남산공원길 105',
    mapLatLng: JSON.stringify([{ lat: 37.55, lng: 126.99 }]),
    distance: 5.5,
    totalTime: '0h 30min',
    courseImageUrl1: `${uniqueSuffix()}.webp`,
    courseImageUrl2: null,
    courseImageUrl3: null,
    starPoint: 0,
    baggage: null,
    parking: null,
    region: 1,
    thema: '해변',
    ...attrs,
  });
}

/** Ratings, bookmarks and comments written with the models, then the course's counts recounted. */
export async function mark(
  ctx: TestContext,
  course: Course,
  marks: { ratings?: Array<[User, number]>; bookmarkedBy?: User[]; comments?: User[] },
): Promise<void> {
  const { courseId } = course;
  await StarPoint.bulkCreate(
    (marks.ratings ?? []).map(([user, myStarPoint]) => ({
      courseId,
      userId: user.userId,
      myStarPoint,
    })),
  );
  await Bookmark.bulkCreate(
    (marks.bookmarkedBy ?? []).map((u) => ({ courseId, userId: u.userId })),
  );
  await Comment.bulkCreate(
    (marks.comments ?? []).map((u) => ({
      courseId,
      groupId: null,
      userId: u.userId,
      content: '굿',
    })),
  );
  await ctx.sequelize.transaction(async (transaction) => {
    await refreshStats(ctx.sequelize, courseId, transaction);
    await updateCommentCnt(ctx.sequelize, courseId, transaction);
  });
}
