/**
 * Derived columns the way the API computes them when a post is created. They live here until
 * the group and course services need them too; then they belong in src/lib.
 */

const REGION_BY_PROVINCE: Record<string, number> = {
  서울: 1,
  경기: 2,
  인천: 3,
  강원: 4,
  충남: 5,
  충북: 5,
  세종특별자치시: 5,
  경북: 6,
  대구: 6,
  경남: 7,
  부산: 7,
  울산: 7,
  전남: 8,
  전북: 8,
  광주: 8,
  제주특별자치도: 9,
};

/**
 * Region code (0..9) from the first word of a Kakao short-province address. Anything else is 0,
 * including 대전, exactly as the original stored it.
 */
export function regionFromAddress(address: string): number {
  const first = address.trim().split(/\s+/)[0] ?? '';
  return REGION_BY_PROVINCE[first] ?? 0;
}

/** Time code from the meeting time: ceil(hour / 4), so 00:xx is 0 and 21–23 are 6. */
export function timecodeFromTime(time: string): number {
  const hour = Number(time.split(':')[0]);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new RangeError(`Not a time of day: ${time}`);
  }
  return Math.ceil(hour / 4);
}

/** The course form's running time estimate: `${floor(d / 10)}h ${floor(d % 10) * 6}min`. */
export function courseTotalTime(distanceKm: number): string {
  return `${Math.floor(distanceKm / 10)}h ${Math.floor(distanceKm % 10) * 6}min`;
}
