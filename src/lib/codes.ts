/**
 * Codes derived from what the SPA sends, shared by group runs and courses.
 */

/** The running themes a group run or course is tagged with (each has a default thumbnail). */
export const THEMES = ['산', '도시', '강변', '해변', '공원', '트랙'] as const;
export type Theme = (typeof THEMES)[number];

/** Region codes as the SPA's filters use them (1 서울 … 9 제주; 0 = unknown). */
const REGION_BY_PROVINCE: Record<string, number> = {
  서울: 1,
  서울특별시: 1,
  경기: 2,
  경기도: 2,
  인천: 3,
  인천광역시: 3,
  강원: 4,
  강원도: 4,
  강원특별자치도: 4,
  충남: 5,
  충북: 5,
  충청남도: 5,
  충청북도: 5,
  세종: 5,
  세종특별자치시: 5,
  // The original mapped 대전 to 0 although region 5 is labelled 충청도/세종/대전.
  대전: 5,
  대전광역시: 5,
  경북: 6,
  경상북도: 6,
  대구: 6,
  대구광역시: 6,
  경남: 7,
  경상남도: 7,
  부산: 7,
  부산광역시: 7,
  울산: 7,
  울산광역시: 7,
  전남: 8,
  전북: 8,
  전라남도: 8,
  전라북도: 8,
  전북특별자치도: 8,
  광주: 8,
  광주광역시: 8,
  제주: 9,
  제주도: 9,
  제주특별자치도: 9,
};

/** Region code (0..9) from the first word of the Kakao address the SPA sends. */
export function regionFromAddress(address: string): number {
  const first = address.trim().split(/\s+/)[0] ?? '';
  return REGION_BY_PROVINCE[first] ?? 0;
}

/** The list cards' short address: the first two words (`서울 강남구`). */
export function shortLocation(address: string): string {
  return address.trim().split(/\s+/).slice(0, 2).join(' ');
}

/**
 * The SPA's time-slot filter code of a meeting time `HH:mm[:ss]`: 1 = 00–04, 2 = 04–08, …,
 * 6 = 20–24. (The original stored ceil(hour / 4), which put 00:xx in no slot and every hour
 * 4, 8, 12, 16 and 20 one slot too early.)
 */
export function timeSlotFromTime(time: string): number {
  const hour = Number(time.split(':')[0]);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new RangeError(`Not a time of day: ${time}`);
  }
  return Math.floor(hour / 4) + 1;
}
