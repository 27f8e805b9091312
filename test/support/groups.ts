import crypto from 'node:crypto';
import request from 'supertest';
import { Applier, Group, type User } from '../../src/db/models';
import { fromKst, kstDate } from '../../src/lib/time';
import type { SessionTokens } from '../../src/auth/tokens';
import {
  authHeaders,
  signIn,
  uniqueSuffix,
  useTestContext,
  type TestContext,
  type TestContextOptions,
} from './context';
import { makeUser } from './users';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the Korean day `days` after `date`. */
export const addDays = (date: string, days: number) =>
  kstDate(new Date(fromKst(date).getTime() + days * DAY_MS));

/**
 * Every test file runs on its own far-future calendar (a random year), and each test on its
 * own stretch of it: no run of another test (or test file, sharing the database) starts
 * between a test's clock and its runs, so "soonest first" lists begin with the test's own runs.
 *
 * `last`: the file's calendar lies after every other file's (years 9000–9499; one file only),
 * so every other file's runs have started by its clock. A list of started runs too (`finish=1`:
 * the runs to come, then the started ones) then holds no run of another file before its own.
 */
export function testCalendar(ctx: TestContext, { last = false }: { last?: boolean } = {}) {
  const year = last ? 9000 + crypto.randomInt(500) : 2200 + crypto.randomInt(6500);
  let next = fromKst(`${year}-01-01`).getTime();
  return {
    /** A fresh stretch of 40 days; the clock stands at its first day, 00:00 Korea time. */
    window(): { today: string; at: (days: number) => string } {
      const start = new Date(next);
      next += 40 * DAY_MS;
      const today = kstDate(start);
      ctx.clock.set(start);
      return { today, at: (days: number) => addDays(today, days) };
    },
    /** Sets the clock to a Korean wall-clock date and time. */
    set(date: string, time: string) {
      const instant = fromKst(date, time);
      ctx.clock.set(instant);
    },
  };
}

export type TestCalendar = ReturnType<typeof testCalendar>;

/** A test file's context and its calendar, read once the file's `beforeAll` has set them. */
export interface CalendarContext {
  readonly ctx: TestContext;
  readonly calendar: TestCalendar;
}

/**
 * The test file's context (`useTestContext` with `options`) and its own calendar
 * (`testCalendar`, `last` as there). Read them in hooks and tests, not while the file loads.
 */
export function useCalendarContext({
  last,
  ...options
}: TestContextOptions & { last?: boolean } = {}): CalendarContext {
  let set: CalendarContext | undefined;
  useTestContext((ctx) => {
    set = { ctx, calendar: testCalendar(ctx, { last }) };
  }, options);
  const ready = (): CalendarContext => {
    if (!set) throw new Error('the test context is set in beforeAll: read it in a hook or a test');
    return set;
  };
  return {
    get ctx() {
      return ready().ctx;
    },
    get calendar() {
      return ready().calendar;
    },
  };
}

/** A run's card on the lists (`/group/all`, `/group/main`, `/group/near`), as the tests read it. */
export interface ListCard {
  groupId: string;
  title: string;
  nickname: string;
  applyPeople: number;
  applyState: boolean;
  applyEndTime: string;
  /** `/group/near` only. */
  distanceFromMe?: number;
}

export interface Member {
  user: User;
  tokens: SessionTokens;
  headers: Record<string, string>;
}

/** Tests move the clock by hours and days: tokens last a year of it. */
const TOKEN_SECONDS = 365 * 24 * 60 * 60;

export async function member(ctx: TestContext, attrs: Partial<User> = {}): Promise<Member> {
  const user = await makeUser(attrs);
  const tokens = await signIn(ctx, user, TOKEN_SECONDS);
  return { user, tokens, headers: authHeaders(tokens) };
}

export const GUEST = authHeaders({});

export const ROUTE = [
  { lat: 37.5271, lng: 126.9326 },
  { lat: 37.528, lng: 126.934 },
];

/** A run written straight to the database (past or odd data), with its host's application. */
export async function makeGroup(host: User, attrs: Partial<Group> = {}): Promise<Group> {
  const group = await Group.create({
    userId: host.userId,
    mapLatLng: JSON.stringify(ROUTE),
    thumbnailUrl1: null,
    thumbnailUrl2: null,
    thumbnailUrl3: null,
    title: `여의도 러닝 ${uniqueSuffix()}`,
    maxPeople: 10,
    date: '2300-01-01',
    standbyTime: '07:00:00',
    finishTime: '23:00:00',
    distance: 5,
    speed: `5'30" km/h`,
    location: '서울 영등포구 여의도동 84-4',
    parking: null,
    baggage: null,
    content: null,
    region: 1,
    timecode: 2,
    thema: '강변',
    chattingRoom: 'https://open.kakao.com/o/abc',
    ...attrs,
  });
  await Applier.create({ groupId: group.groupId, userId: host.userId });
  return group;
}

export async function apply(groupId: string, ...users: User[]): Promise<void> {
  for (const user of users) await Applier.create({ groupId, userId: user.userId });
}

/** The multipart fields the SPA sends to create a run (contract #27). */
export function createFields(date: string, overrides: Record<string, string> = {}) {
  return {
    title: '한강 야간 러닝',
    maxPeople: '6',
    date,
    standbyTime: '19:30',
    startTime: '19:30',
    finishTime: '23:00',
    parking: '여의나루역 공영주차장',
    speed: `5'30" km/h`,
    baggage: '물품보관함',
    content: '같이 뛰어요',
    thema: '강변',
    chattingRoom: 'https://open.kakao.com/o/gbS50Dfe',
    location: '서울 영등포구 여의도동 84-4',
    distance: '5.25',
    mapLatLng: JSON.stringify(ROUTE),
    ...overrides,
  };
}

/** `POST /group` as multipart, the way the SPA sends it. */
export function postGroup(
  ctx: TestContext,
  headers: Record<string, string>,
  fields: Record<string, string>,
  files: Array<{ buffer: Buffer; name: string }> = [],
) {
  const req = request(ctx.app).post('/group').set(headers);
  for (const file of files) req.attach('thumbnail', file.buffer, file.name);
  for (const [name, value] of Object.entries(fields)) req.field(name, value);
  // Without a file or field supertest would send no multipart body at all.
  if (files.length === 0 && Object.keys(fields).length === 0) req.field('nothing', '');
  return req;
}
