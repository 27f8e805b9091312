import type { Sequelize } from 'sequelize';
import { kindKey, readCacheOf, type ReadCache, type ReadCacheSpec } from '../lib/read-cache';
import { Applier, Bookmark, Comment, Course, StarPoint, User } from '../db/models';

/**
 * The public course reads kept in each process for the rest of the current second while
 * nothing they show has changed (see {@link ReadCache} for why that is correct). What is kept
 * is what every viewer sees; the viewer's bookmark flags are read per request, and a detail's
 * view count adds the views still pending in the key store per request.
 */

/** Feed pages (`/course/all`, `/course/main`) and the ranking's cards. */
export const COURSE_FEEDS: ReadCacheSpec = {
  name: 'courses:feeds',
  label: 'course_feeds',
  // A card is the course row; its star, comment and bookmark counts are copies on that row
  // written with the rating, comment or bookmark (watched too, in case one is written alone).
  // A withdrawal removes the user's courses by foreign key, which runs no course hook.
  models: [Course, Bookmark, StarPoint, Comment, User],
};

/**
 * Course detail pages (`/course/detail/:courseId`), and the course's route file
 * (`/course/:courseId/route.gpx`, its title and route) under a key of its own.
 */
export const COURSE_DETAILS: ReadCacheSpec = {
  name: 'courses:details',
  label: 'course_details',
  // The course and its author. The author's manner points move by `User.increment` in a host
  // evaluation, which runs no hook; the evaluation's Applier write in the same transaction does.
  models: [Course, User, Applier],
};

export const courseFeedCacheOf = (sequelize: Sequelize): ReadCache | null =>
  readCacheOf(sequelize, COURSE_FEEDS.name);

export const courseDetailCacheOf = (sequelize: Sequelize): ReadCache | null =>
  readCacheOf(sequelize, COURSE_DETAILS.name);

export const courseDetailKey = (courseId: string) => kindKey('detail', courseId);
