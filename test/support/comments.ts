import type { Sequelize } from 'sequelize';
import { Course, Group, type User } from '../../src/db/models';
import { uniqueSuffix } from './context';

/**
 * Posts for the comment and alarm tests, written with the models directly (the group and
 * course endpoints belong to other domains).
 */
export async function makeGroupRow(host: User, attrs: Partial<Group> = {}): Promise<Group> {
  return Group.create({
    userId: host.userId,
    mapLatLng: '[]',
    thumbnailUrl1: null,
    thumbnailUrl2: null,
    thumbnailUrl3: null,
    title: `한강 러닝 ${uniqueSuffix()}`,
    maxPeople: 10,
    date: '2026-12-01',
    standbyTime: '07:00:00',
    finishTime: null,
    distance: 5,
    speed: '6',
    location: '서울 영등포구',
    parking: null,
    baggage: null,
    content: null,
    region: 1,
    timecode: 1,
    thema: '강변',
    ...attrs,
  });
}

export async function makeCourseRow(author: User, attrs: Partial<Course> = {}): Promise<Course> {
  return Course.create({
    userId: author.userId,
    title: `남산 코스 ${uniqueSuffix()}`,
    content: '좋은 코스',
    location: '서울 중구',
    mapLatLng: '[]',
    distance: 7,
    totalTime: '1h 0min',
    courseImageUrl1: 'a.jpg',
    courseImageUrl2: null,
    courseImageUrl3: null,
    starPoint: null,
    baggage: null,
    parking: null,
    region: 1,
    thema: '산',
    ...attrs,
  });
}

/** The signed-in account's read (`findAccount`), as Sequelize writes it. */
export const ACCOUNT_READ = '`likeLocation` FROM `Users` AS `User` WHERE `User`.`userId` =';

/**
 * Counts the SQL statements run while `work` runs (to show a list is not one query per row),
 * besides the signed-in account's row: that is kept per process under a generation any test
 * file's user write renews (src/auth/accounts.ts), so whether a request reads it depends on the
 * other files running at the same time.
 */
export async function countQueries(sequelize: Sequelize, work: () => Promise<unknown>) {
  let count = 0;
  const name = `count-${uniqueSuffix()}`;
  sequelize.addHook('afterQuery', name, (_options, query) => {
    // The statement is on the query object once it has run (not in Sequelize's types).
    if (!String((query as { sql?: unknown }).sql ?? '').includes(ACCOUNT_READ)) count += 1;
  });
  try {
    await work();
  } finally {
    sequelize.removeHook('afterQuery', name);
  }
  return count;
}
