import type { Config } from '../config';
import { shortLocation } from '../lib/codes';
import { fillJson, jsonTemplate, type JsonTemplate } from '../lib/json-text';
import { formatDetailDate, formatListDate, kstDateTime } from '../lib/time';
import { avatarUrl, defaultGroupThumbnailUrl, detailImageUrl, listImageUrl } from '../uploads';
import type { Group } from '../db/models';
import { applyEndTime, applyEndTimeAt, runTimes, type RunTimes } from './schedule';

type ImageConfig = Pick<Config, 'images' | 'publicUrl'>;

/** The public fields of a person shown next to a run (host, applicant). */
export interface Person {
  userId: string;
  nickname: string;
  profileUrl: string;
}

export interface Host extends Person {
  userLevel: string | null;
  mannerPoint: number;
}

/** The run's columns a list card shows (read as plain rows, not model instances). */
export type ListGroup = Pick<
  Group,
  | 'groupId'
  | 'userId'
  | 'title'
  | 'location'
  | 'distance'
  | 'date'
  | 'standbyTime'
  | 'maxPeople'
  | 'thumbnailUrl1'
  | 'thema'
>;

/** A list row: the run, its host and the counts read with it. */
export interface ListRow {
  group: ListGroup;
  host: Pick<Person, 'nickname' | 'profileUrl'>;
  applyPeople: number;
  applyState: boolean;
}

/** The card of every group list (`all`, `main`, `prefer`, `mypage`, `complete`). */
export function toListItem(config: ImageConfig, row: ListRow, now: Date) {
  const { group } = row;
  return {
    groupId: group.groupId,
    title: group.title,
    location: shortLocation(group.location),
    distance: group.distance,
    date: formatListDate(group.date, group.standbyTime),
    standbyTime: group.standbyTime,
    maxPeople: group.maxPeople,
    thumbnailUrl:
      listImageUrl(config, group.thumbnailUrl1) ?? defaultGroupThumbnailUrl(config, group.thema),
    applyPeople: row.applyPeople,
    userId: group.userId,
    applyEndTime: applyEndTime(group, now),
    thema: group.thema,
    nickname: row.host.nickname,
    profileUrl: avatarUrl(config, row.host.profileUrl),
    applyState: row.applyState,
  };
}

export type ListItem = ReturnType<typeof toListItem>;

/**
 * A list card as the list cache keeps it: its JSON written once, around the two parts that
 * differ per request (the countdown, which moves with the clock, and the viewer's applyState).
 */
export interface CardTemplate {
  groupId: string;
  times: RunTimes;
  json: JsonTemplate<'applyEndTime' | 'applyState'>;
}

/** The card's template; `extra` fields (the near-me distance) are written after the card's. */
export function toCardTemplate(
  config: ImageConfig,
  row: ListRow,
  now: Date,
  extra: Record<string, unknown> = {},
): CardTemplate {
  return {
    groupId: row.group.groupId,
    times: runTimes(row.group),
    json: jsonTemplate({ ...toListItem(config, row, now), ...extra }, [
      'applyEndTime',
      'applyState',
    ]),
  };
}

/** The card's JSON at `now` for a viewer who did (or did not) apply: `toListItem`'s, as text. */
export const cardJson = (card: CardTemplate, now: Date, applyState: boolean): string =>
  fillJson(card.json, { applyEndTime: applyEndTimeAt(card.times, now), applyState });

/** The route as stored (JSON text); a legacy value that is not an array reads as no route. */
function parseRoute(text: string): unknown[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

/** The run's columns the detail page shows. */
export type DetailGroup = Pick<
  Group,
  | 'groupId'
  | 'userId'
  | 'mapLatLng'
  | 'thumbnailUrl1'
  | 'thumbnailUrl2'
  | 'thumbnailUrl3'
  | 'title'
  | 'maxPeople'
  | 'date'
  | 'standbyTime'
  | 'finishTime'
  | 'distance'
  | 'speed'
  | 'location'
  | 'parking'
  | 'baggage'
  | 'content'
  | 'region'
  | 'timecode'
  | 'thema'
  | 'chattingRoom'
  | 'createdAt'
>;

export interface DetailInput {
  group: DetailGroup;
  host: Host;
  /** Every applicant, the host first. */
  appliers: Person[];
  viewerId: string | null;
}

/**
 * `GET /group/detail/:groupId` (contract §2.2). The open-chat link is given to the run's
 * applicants only: it lets anyone into the chat, and the SPA shows it to applicants only.
 */
export function toDetail(config: ImageConfig, input: DetailInput, now: Date) {
  const { group, host, appliers, viewerId } = input;
  const applyState = viewerId !== null && appliers.some((a) => a.userId === viewerId);
  return {
    groupId: group.groupId,
    userId: group.userId,
    mapLatLng: parseRoute(group.mapLatLng),
    thumbnailUrl1:
      detailImageUrl(config, group.thumbnailUrl1) ?? defaultGroupThumbnailUrl(config, group.thema),
    thumbnailUrl2: detailImageUrl(config, group.thumbnailUrl2),
    thumbnailUrl3: detailImageUrl(config, group.thumbnailUrl3),
    title: group.title,
    maxPeople: group.maxPeople,
    date: group.date,
    standbyTime: group.standbyTime,
    finishTime: group.finishTime,
    distance: group.distance,
    speed: group.speed,
    location: group.location,
    parking: group.parking,
    baggage: group.baggage,
    content: group.content,
    region: group.region,
    timecode: group.timecode,
    thema: group.thema,
    chattingRoom: applyState ? group.chattingRoom : '',
    createdAt: kstDateTime(group.createdAt),
    applyState,
    applyEndTime: applyEndTime(group, now),
    Appliers: appliers.map(({ userId, nickname, profileUrl }) => ({
      userId,
      nickname,
      profileUrl: avatarUrl(config, profileUrl),
    })),
    nickname: host.nickname,
    profileUrl: avatarUrl(config, host.profileUrl),
    userLevel: host.userLevel,
    mannerPoint: host.mannerPoint,
    datetime: formatDetailDate(group.date, group.standbyTime),
  };
}

/** `GET /group/attendance/:groupId`: the run and its runners (the host is not on the sheet). */
export function toAttendanceSheet(
  config: ImageConfig,
  group: Group,
  host: Person,
  applicants: number,
  runners: Array<Person & { applyId: string; attendance: boolean }>,
) {
  return {
    groupInfo: {
      title: group.title,
      date: formatListDate(group.date, group.standbyTime),
      maxPeople: group.maxPeople,
      user: {
        userId: host.userId,
        nickname: host.nickname,
        profileUrl: avatarUrl(config, host.profileUrl),
      },
      attendanceCount: `${applicants}/${group.maxPeople}`,
    },
    applyUser: runners.map((runner) => ({
      applyId: runner.applyId,
      groupId: group.groupId,
      userId: runner.userId,
      attendance: runner.attendance,
      user: { nickname: runner.nickname, profileUrl: avatarUrl(config, runner.profileUrl) },
    })),
  };
}

/**
 * `GET /group/evaluation/:groupId`. The SPA prints `standbyTime` after `date`; the date already
 * holds the time, so it is left out (as the original did).
 */
export function toHostUser(config: ImageConfig, group: Group, host: Person) {
  return {
    groupId: group.groupId,
    title: group.title,
    date: formatDetailDate(group.date, group.standbyTime),
    user: {
      userId: host.userId,
      nickname: host.nickname,
      profileUrl: avatarUrl(config, host.profileUrl),
    },
  };
}
