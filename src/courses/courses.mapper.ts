import type { Config } from '../config';
import { shortLocation } from '../lib/codes';
import { fillJson, jsonTemplate, type JsonTemplate } from '../lib/json-text';
import { kstDateTime } from '../lib/time';
import { avatarUrl, detailImageUrl, listImageUrl } from '../uploads';
import type { FeedRow } from './courses.queries';
import { parseRoute } from '../lib/route';
import type { CourseAuthor, CourseDetailRow } from './detail.queries';
import { storedStarPoint } from './stats';

type ImageConfig = Pick<Config, 'images' | 'publicUrl'>;

/** A card in every course list (#20, #21, #31, #32): exactly the fields the SPA reads. */
export function toFeedItem(config: ImageConfig, row: FeedRow) {
  return {
    courseId: row.courseId,
    courseImageUrl1: listImageUrl(config, row.courseImageUrl1),
    bookmark: Boolean(Number(row.bookmark)),
    title: row.title,
    starPoint: storedStarPoint(row.starPoint),
    commentCnt: row.commentCnt,
    location: shortLocation(row.location),
    distance: Number(row.distance),
  };
}

export type FeedItem = ReturnType<typeof toFeedItem>;

/** A feed card as the feed cache keeps it: its JSON written once, the viewer's flag left out. */
export interface FeedCard {
  courseId: string;
  json: JsonTemplate<'bookmark'>;
}

export const toFeedCard = (config: ImageConfig, row: FeedRow): FeedCard => ({
  courseId: row.courseId,
  json: jsonTemplate(toFeedItem(config, row), ['bookmark']),
});

/** The card's JSON for a viewer who has (or has not) bookmarked the course: `toFeedItem`'s. */
export const feedCardJson = (card: FeedCard, bookmark: boolean): string =>
  fillJson(card.json, { bookmark });

/** `GET /course/detail/:courseId` (§2.2): the author under `user`, slides at 758 px. */
export function toCourseDetail(
  config: ImageConfig,
  course: CourseDetailRow,
  author: CourseAuthor,
  bookmark: boolean,
) {
  return {
    courseId: course.courseId,
    title: course.title,
    content: course.content,
    location: course.location,
    distance: Number(course.distance),
    totalTime: course.totalTime,
    courseImageUrl1: detailImageUrl(config, course.courseImageUrl1),
    courseImageUrl2: detailImageUrl(config, course.courseImageUrl2),
    courseImageUrl3: detailImageUrl(config, course.courseImageUrl3),
    // The SPA reads mapLatLng[0] unguarded; a route the original stored broken reads as empty.
    mapLatLng: parseRoute(course.mapLatLng) ?? [],
    parking: course.parking,
    baggage: course.baggage,
    createdAt: kstDateTime(course.createdAt),
    clickCnt: course.clickCnt,
    thema: course.thema,
    user: {
      userId: author.userId,
      nickname: author.nickname,
      profileUrl: avatarUrl(config, author.profileUrl),
      userLevel: author.userLevel,
      mannerPoint: author.mannerPoint,
    },
    bookmark,
  };
}

/** A detail page as the detail cache keeps it: its JSON around the view count and bookmark. */
export type CourseDetailTemplate = JsonTemplate<'clickCnt' | 'bookmark'>;

export const toCourseDetailTemplate = (
  config: ImageConfig,
  course: CourseDetailRow,
  author: CourseAuthor,
): CourseDetailTemplate =>
  jsonTemplate(toCourseDetail(config, course, author, false), ['clickCnt', 'bookmark']);

/** The detail's JSON with its count and the viewer's bookmark: `toCourseDetail`'s, as text. */
export const courseDetailJson = (
  template: CourseDetailTemplate,
  clickCnt: number,
  bookmark: boolean,
): string => fillJson(template, { clickCnt, bookmark });
