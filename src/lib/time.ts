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

export function kstParts(instant: Date): KstParts {
  const shifted = new Date(instant.getTime() + KST_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    weekday: shifted.getUTCDay(),
  };
}

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

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** Normalises `H:mm`, `HH:mm` or `HH:mm:ss` to `HH:mm:ss`; null when it is not a time of day. */
export function normalizeTime(value: string): string | null {
  const m = TIME_RE.exec(value.trim());
  if (!m) return null;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return null;
  return `${pad(h)}:${pad(min)}:${pad(s)}`;
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1;
}

/** The instant of a Korean wall-clock date (`YYYY-MM-DD`) and time (`HH:mm[:ss]`). */
export function fromKst(date: string, time = '00:00:00'): Date {
  const d = DATE_RE.exec(date);
  const t = TIME_RE.exec(time);
  if (!d || !t) throw new RangeError(`Not a Korean wall-clock value: ${date} ${time}`);
  const utc = Date.UTC(
    Number(d[1]),
    Number(d[2]) - 1,
    Number(d[3]),
    Number(t[1]),
    Number(t[2]),
    Number(t[3] ?? 0),
  );
  return new Date(utc - KST_OFFSET_MS);
}

/** Whole calendar days from the Korean date of `now` to `date` (negative when `date` is past). */
export function kstDaysUntil(date: string, now: Date): number {
  const target = fromKst(date).getTime();
  const today = fromKst(kstDate(now)).getTime();
  return Math.round((target - today) / 86_400_000);
}

/** List-card date: `2022.06.10 (금) 07:00`. */
export function formatListDate(date: string, time: string): string {
  const p = kstParts(fromKst(date, time));
  return `${p.year}.${pad(p.month)}.${pad(p.day)} (${SHORT_WEEKDAYS[p.weekday]}) ${pad(p.hour)}:${pad(p.minute)}`;
}

/** Detail date: `2022년 06월 10일 금요일 07시 00분`. */
export function formatDetailDate(date: string, time: string): string {
  const p = kstParts(fromKst(date, time));
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
