/**
 * Korea time (Asia/Seoul) for every business rule and display string.
 *
 * Korea has used UTC+9 without daylight saving since 1988, so wall-clock values are computed by
 * shifting the instant by nine hours and reading UTC fields: the result does not depend on the
 * server's own time zone (the suite runs under TZ=UTC and TZ=Asia/Seoul).
 */
export const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

const SHORT_WEEKDAYS = ['일', '월', '화', '수', '목', '금', '토'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export interface KstParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const DAY_MS = 86_400_000;

/**
 * The Gregorian date of a day number (days since 1970-01-01), by arithmetic (Howard Hinnant's
 * `civil_from_days`): no Date object, no time zone.
 */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return {
    year: yoe + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: doy - Math.floor((153 * mp + 2) / 5) + 1,
  };
}

/** The Korean wall-clock fields of an instant in milliseconds (UTC+9, no daylight saving). */
function kstPartsOf(ms: number): KstParts {
  const shifted = ms + KST_OFFSET_MS;
  const days = Math.floor(shifted / DAY_MS);
  const inDay = shifted - days * DAY_MS;
  const seconds = Math.floor(inDay / 1000);
  // The date's fields copied one by one: spreading the returned object (`...civilFromDays()`)
  // took V8 (Node 20) about 100 times as long as the whole computation.
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(seconds / 3600),
    minute: Math.floor(seconds / 60) % 60,
    second: seconds % 60,
    // 1970-01-01 was a Thursday.
    weekday: (((days + 4) % 7) + 7) % 7,
  };
}

export const kstParts = (instant: Date): KstParts => kstPartsOf(instant.getTime());

/** `YYYY-MM-DD` of the instant in Korea. */
export function kstDate(instant: Date): string {
  const p = kstParts(instant);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** `HH:mm:ss` of the instant in Korea. */
export function kstTime(instant: Date): string {
  const p = kstParts(instant);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** `YYYY-MM-DD HH:mm:ss` of the instant in Korea. */
export function kstDateTime(instant: Date): string {
  return `${kstDate(instant)} ${kstTime(instant)}`;
}

/**
 * A DATETIME of a raw row as the driver answers it: a Date (mysql2), or the text Sequelize
 * stores in SQLite, `YYYY-MM-DD HH:mm:ss[.SSS] ±HH:MM`. The text is read by position (raw rows
 * are on the hot path: no regular expression, no Date string parser).
 */
export function storedInstant(value: Date | string): Date {
  if (typeof value !== 'string') return value;
  const n = (from: number, to: number) => Number(value.slice(from, to));
  let end = 20;
  if (value[19] === '.') while (value[end] >= '0' && value[end] <= '9') end += 1;
  // Fractions of any length: the first three digits are the milliseconds.
  const ms = value[19] === '.' ? Number(`${value.slice(20, end)}00`.slice(0, 3)) : 0;
  const utc = Date.UTC(n(0, 4), n(5, 7) - 1, n(8, 10), n(11, 13), n(14, 16), n(17, 19), ms);
  const sign = value[value.length - 6];
  const offset =
    (sign === '+' || sign === '-') && value[value.length - 3] === ':'
      ? (sign === '-' ? -1 : 1) *
        (n(value.length - 5, value.length - 3) * 60 + n(value.length - 2, value.length)) *
        60_000
      : 0;
  return new Date(utc - offset);
}

/**
 * The fixed-width wall-clock values are read by character code (these run for every card of
 * every list page: no regular expression, no Date string parser). `number(value, from, count)`
 * is the ASCII digits at `from`, or -1 when one of them is not a digit.
 */
function number(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i += 1) {
    const digit = value.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    n = n * 10 + digit;
  }
  return n;
}

const DASH = 45;
const COLON = 58;

/** `YYYY-MM-DD` as [year, month, day] (not checked against the calendar), or null. */
function dateFields(value: string): [number, number, number] | null {
  if (value.length !== 10 || value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH) {
    return null;
  }
  const year = number(value, 0, 4);
  const month = number(value, 5, 2);
  const day = number(value, 8, 2);
  return year < 0 || month < 0 || day < 0 ? null : [year, month, day];
}

/** `H:mm`, `HH:mm`, `H:mm:ss` or `HH:mm:ss` as [hour, minute, second] (unchecked), or null. */
function timeFields(value: string): [number, number, number] | null {
  const colon = value.charCodeAt(1) === COLON ? 1 : 2;
  const rest = value.length - colon;
  if (value.charCodeAt(colon) !== COLON || (rest !== 3 && rest !== 6)) return null;
  if (rest === 6 && value.charCodeAt(colon + 3) !== COLON) return null;
  const hour = number(value, 0, colon);
  const minute = number(value, colon + 1, 2);
  const second = rest === 6 ? number(value, colon + 4, 2) : 0;
  return hour < 0 || minute < 0 || second < 0 ? null : [hour, minute, second];
}

/** Normalises `H:mm`, `HH:mm` or `HH:mm:ss` to `HH:mm:ss`; null when it is not a time of day. */
export function normalizeTime(value: string): string | null {
  const t = timeFields(value.trim());
  if (!t) return null;
  const [h, min, s] = t;
  if (h > 23 || min > 59 || s > 59) return null;
  return `${pad(h)}:${pad(min)}:${pad(s)}`;
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  const d = dateFields(value);
  if (!d) return false;
  const p = civilFromDays(Math.floor(Date.UTC(d[0], d[1] - 1, d[2]) / DAY_MS));
  return p.year === d[0] && p.month === d[1];
}

/** The instant (ms) of a Korean wall-clock date and time; fields out of range roll over. */
function kstMs(date: string, time: string): number {
  const d = dateFields(date);
  const t = timeFields(time);
  if (!d || !t) throw new RangeError(`Not a Korean wall-clock value: ${date} ${time}`);
  return Date.UTC(d[0], d[1] - 1, d[2], t[0], t[1], t[2]) - KST_OFFSET_MS;
}

/** The instant of a Korean wall-clock date (`YYYY-MM-DD`) and time (`HH:mm[:ss]`). */
export const fromKst = (date: string, time = '00:00:00'): Date => new Date(kstMs(date, time));

/** Whole calendar days from the Korean date of `now` to `date` (negative when `date` is past). */
export const kstDaysUntil = (date: string, now: Date): number =>
  kstDaysFrom(kstMs(date, '00:00:00'), now);

/** {@link kstDaysUntil} of a day given by the instant its Korean midnight (ms). */
export function kstDaysFrom(dayStartMs: number, now: Date): number {
  const today = Math.floor((now.getTime() + KST_OFFSET_MS) / DAY_MS) * DAY_MS - KST_OFFSET_MS;
  return Math.round((dayStartMs - today) / DAY_MS);
}

/** List-card date: `2022.06.10 (금) 07:00`. */
export function formatListDate(date: string, time: string): string {
  const p = kstPartsOf(kstMs(date, time));
  return `${p.year}.${pad(p.month)}.${pad(p.day)} (${SHORT_WEEKDAYS[p.weekday]}) ${pad(p.hour)}:${pad(p.minute)}`;
}

/** Detail date: `2022년 06월 10일 금요일 07시 00분`. */
export function formatDetailDate(date: string, time: string): string {
  const p = kstPartsOf(kstMs(date, time));
  return `${p.year}년 ${pad(p.month)}월 ${pad(p.day)}일 ${SHORT_WEEKDAYS[p.weekday]}요일 ${pad(p.hour)}시 ${pad(p.minute)}분`;
}

/**
 * Relative time for comments, replies and alarms: `방금 전`, `N분 전`, `N시간 전`, `N일 전`,
 * then `M월 D일` within a year and `YYYY년 M월 D일` after that (Korean calendar).
 */
export function relativeTime(createdAt: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - createdAt.getTime()) / 60_000);
  if (minutes < 1) return '방금 전';
  if (minutes < 60) return `${minutes}분 전`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}시간 전`;
  const days = Math.floor(hours / 24);
  if (days < 7) return `${days}일 전`;
  const p = kstParts(createdAt);
  if (days < 365) return `${p.month}월 ${p.day}일`;
  return `${p.year}년 ${p.month}월 ${p.day}일`;
}
