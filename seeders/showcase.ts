import type { CreationAttributes } from 'sequelize';
import type { Applier, Group } from '../src/db/models';
import { regionFromAddress, timeSlotFromTime } from '../src/lib/codes';
import { kstDate, kstTime } from '../src/lib/time';
import { PLACES } from './places';
import { seedId } from './random';

/**
 * Three runs placed relative to the moment the demo is seeded, so each time-bound feature can be
 * tried at once with the first demo account (the one `npm run db:seed` names for
 * `npm run token`):
 *
 * - `soon` starts about 40 minutes after seeding and is hosted by that account: its start
 *   reminder (30 minutes before the start) falls due about 10 minutes after seeding, so a running
 *   worker sends it, and the attendance sheet opens at the same moment.
 * - `ended` met two hours before seeding and ended an hour before; that account ran in it and
 *   has not rated the host yet (host evaluation is open once a run has started).
 * - `full` is in two days and has as many applicants as places; that account is not one of
 *   them, so applying shows the "full" refusal.
 */
export const SHOWCASE = {
  soon: seedId('group:showcase-soon'),
  ended: seedId('group:showcase-ended'),
  full: seedId('group:showcase-full'),
} as const;

export const SHOWCASE_IDS: readonly string[] = Object.values(SHOWCASE);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How far after the seeding the `soon` run starts (rounded up to the minute). */
export const SOON_START_MS = 40 * MINUTE;
/** How long before the seeding the `ended` run ended (rounded down to the minute, so at least). */
export const ENDED_AGO_MS = HOUR;
/** Each showcase run lasts an hour (its `finishTime`). */
const RUN_MS = HOUR;

interface Plan {
  groupId: string;
  start: number;
  place: string;
  title: string;
  content: string;
  maxPeople: number;
  distance: number;
  speed: string;
  createdAt: number;
  /** Indexes into the demo users: the host, then the runners with their attendance. */
  host: number;
  runners: Array<{ user: number; attended: boolean }>;
  /** The host has submitted the attendance sheet. */
  attendanceTaken: boolean;
}

function smallLoop(lat: number, lng: number): string {
  const round = (n: number) => Math.round(n * 1e7) / 1e7;
  return JSON.stringify(
    [
      [0, 0],
      [0.004, 0.001],
      [0.005, 0.006],
      [0.001, 0.005],
    ].map(([dLat, dLng]) => ({ lat: round(lat + dLat), lng: round(lng + dLng) })),
  );
}

export function buildShowcase(
  nowMs: number,
  userIdOf: (index: number) => string,
): { groups: CreationAttributes<Group>[]; appliers: CreationAttributes<Applier>[] } {
  const soonStart = Math.ceil((nowMs + SOON_START_MS) / MINUTE) * MINUTE;
  const endedStart = Math.floor((nowMs - ENDED_AGO_MS - RUN_MS) / MINUTE) * MINUTE;
  const fullDate = kstDate(new Date(nowMs + 2 * DAY));
  // 07:00 Korea time two days on: always more than six hours ahead.
  const fullStart = Date.parse(`${fullDate}T07:00:00+09:00`);
  const plans: Plan[] = [
    {
      groupId: SHOWCASE.soon,
      start: soonStart,
      place: '여의도한강공원',
      title: '곧 시작하는 여의도 5km (출석체크 체험)',
      content:
        '시드 직후 약 40분 뒤에 시작하는 러닝입니다. 시작 30분 전부터 크루장이 출석체크를 할 수 있고, 그때 시작 알림이 갑니다.',
      maxPeople: 6,
      distance: 5,
      speed: `6'00" km/h`,
      createdAt: soonStart - 2 * DAY,
      host: 0,
      runners: [
        { user: 1, attended: false },
        { user: 3, attended: false },
        { user: 6, attended: false },
      ],
      attendanceTaken: false,
    },
    {
      groupId: SHOWCASE.ended,
      start: endedStart,
      place: '남산 북측순환로',
      title: '방금 끝난 남산 7.5km (크루장 평가 체험)',
      content: '한 시간 전에 끝난 러닝입니다. 함께 달린 러너는 크루장을 평가할 수 있어요.',
      maxPeople: 5,
      distance: 7.5,
      speed: `6'30" km/h`,
      createdAt: endedStart - 3 * DAY,
      host: 1,
      runners: [
        { user: 0, attended: true },
        { user: 4, attended: true },
        { user: 7, attended: false },
      ],
      attendanceTaken: true,
    },
    {
      groupId: SHOWCASE.full,
      start: fullStart,
      place: '올림픽공원',
      title: '모집 마감된 올림픽공원 10km',
      content: '정원이 모두 찬 러닝입니다. 신청하면 마감 안내가 나옵니다.',
      maxPeople: 4,
      distance: 10,
      speed: `5'30" km/h`,
      createdAt: nowMs - DAY,
      host: 2,
      runners: [
        { user: 3, attended: false },
        { user: 4, attended: false },
        { user: 5, attended: false },
      ],
      attendanceTaken: false,
    },
  ];

  const groups: CreationAttributes<Group>[] = [];
  const appliers: CreationAttributes<Applier>[] = [];
  for (const plan of plans) {
    const place = PLACES.find((p) => p.name === plan.place) ?? PLACES[0];
    const start = new Date(plan.start);
    const standbyTime = kstTime(start);
    const createdAt = new Date(Math.floor(plan.createdAt / 1000) * 1000);
    groups.push({
      groupId: plan.groupId,
      userId: userIdOf(plan.host),
      mapLatLng: smallLoop(place.lat, place.lng),
      thumbnailUrl1: null,
      thumbnailUrl2: null,
      thumbnailUrl3: null,
      title: plan.title,
      maxPeople: plan.maxPeople,
      date: kstDate(start),
      standbyTime,
      finishTime: kstTime(new Date(plan.start + RUN_MS)),
      distance: plan.distance,
      speed: plan.speed,
      location: place.address,
      parking: place.parking,
      baggage: place.baggage,
      content: plan.content,
      region: regionFromAddress(place.address),
      timecode: timeSlotFromTime(standbyTime),
      thema: place.themes[0],
      chattingRoom: '',
      createdAt,
      updatedAt: createdAt,
    });
    for (const { user, attended } of [
      { user: plan.host, attended: plan.attendanceTaken },
      ...plan.runners,
    ]) {
      appliers.push({
        applyId: seedId(`applier:showcase:${plan.groupId}:${user + 1}`),
        groupId: plan.groupId,
        userId: userIdOf(user),
        attendance: attended,
        evaluation: 0,
      });
    }
  }
  return { groups, appliers };
}
