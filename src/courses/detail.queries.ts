import { QueryTypes, type Sequelize } from 'sequelize';
import { storedInstant } from '../lib/time';

/**
 * The hand-written SQL of the course detail page and its view counts: plain rows, one statement
 * each (the detail is among the most read pages; no model instances on its path).
 */

/** Whether the viewer (the first replacement) bookmarked the course. */
const BOOKMARKED =
  'EXISTS (SELECT 1 FROM `Bookmarks` AS `x` WHERE `x`.`courseId` = `Course`.`courseId` AND `x`.`userId` = ?)';

/** The course columns of the detail page, as one raw row answers them. */
export interface CourseDetailRow {
  courseId: string;
  userId: string;
  title: string;
  content: string;
  location: string;
  mapLatLng: string;
  distance: number;
  totalTime: string | null;
  courseImageUrl1: string;
  courseImageUrl2: string | null;
  courseImageUrl3: string | null;
  parking: string | null;
  baggage: string | null;
  createdAt: Date;
  clickCnt: number;
  thema: string;
}

/** The author as the detail page shows them. */
export interface CourseAuthor {
  userId: string;
  nickname: string;
  profileUrl: string;
  userLevel: string | null;
  mannerPoint: number;
}

/**
 * The course with its author and the viewer's bookmark flag, or null: one statement answering
 * one plain row (the detail is among the most read pages; no model instances on its path).
 */
export async function findCourseDetail(
  sequelize: Sequelize,
  courseId: string,
  viewerId: string | null,
): Promise<{ course: CourseDetailRow; author: CourseAuthor; bookmark: boolean } | null> {
  const [row] = await sequelize.query<
    Omit<CourseDetailRow, 'createdAt'> &
      Omit<CourseAuthor, 'userId'> & { createdAt: Date | string; bookmark: number | string }
  >(
    'SELECT `Course`.`courseId`, `Course`.`userId`, `Course`.`title`, `Course`.`content`, ' +
      '`Course`.`location`, `Course`.`mapLatLng`, `Course`.`distance`, `Course`.`totalTime`, ' +
      '`Course`.`courseImageUrl1`, `Course`.`courseImageUrl2`, `Course`.`courseImageUrl3`, ' +
      '`Course`.`parking`, `Course`.`baggage`, `Course`.`createdAt`, `Course`.`clickCnt`, ' +
      '`Course`.`thema`, `u`.`nickname`, `u`.`profileUrl`, `u`.`userLevel`, `u`.`mannerPoint`, ' +
      `${viewerId ? BOOKMARKED : '0'} AS \`bookmark\` ` +
      'FROM `Courses` AS `Course` JOIN `Users` AS `u` ON `u`.`userId` = `Course`.`userId` ' +
      'WHERE `Course`.`courseId` = ?',
    {
      type: QueryTypes.SELECT,
      replacements: viewerId ? [viewerId, courseId] : [courseId],
    },
  );
  if (!row) return null;
  const { nickname, profileUrl, userLevel, mannerPoint, bookmark, createdAt, ...course } = row;
  return {
    course: { ...course, createdAt: storedInstant(createdAt) },
    author: { userId: course.userId, nickname, profileUrl, userLevel, mannerPoint },
    bookmark: Boolean(Number(bookmark)),
  };
}

/**
 * Adds counted views to the courses' `clickCnt` in one statement, leaving `updatedAt` alone
 * (views are not edits). Courses deleted since are skipped.
 */
export async function addCourseViews(
  sequelize: Sequelize,
  views: ReadonlyArray<readonly [courseId: string, count: number]>,
): Promise<void> {
  if (views.length === 0) return;
  await sequelize.query(
    `UPDATE \`Courses\` SET \`clickCnt\` = \`clickCnt\` + CASE \`courseId\` ${views
      .map(() => 'WHEN ? THEN ?')
      .join(' ')} ELSE 0 END WHERE \`courseId\` IN (${views.map(() => '?').join(', ')})`,
    { replacements: [...views.flat(), ...views.map(([courseId]) => courseId)] },
  );
}
