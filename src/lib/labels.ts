/**
 * Display labels of the users' preference codes, as the SPA renders them verbatim (the profile,
 * the group "prefer" tab, the course feed). One table each: the original spelled region 8
 * differently on one endpoint, which is not kept.
 */

/** `Users.likeLocation` codes '1'..'9' (the `Edit.js` order: 3 인천, 4 강원). */
export const LIKE_LOCATION_LABELS: Readonly<Record<string, string>> = {
  '1': '서울',
  '2': '경기도',
  '3': '인천광역시',
  '4': '강원도',
  '5': '충청도/세종특별시/대전광역시',
  '6': '경상북도/대구광역시',
  '7': '경상남도/부산광역시/울산광역시',
  '8': '전라도/광주광역시',
  '9': '제주특별자치도',
};

/** `Users.likeDistance` codes '0'..'4'. */
export const LIKE_DISTANCE_LABELS: Readonly<Record<string, string>> = {
  '0': '잘 모르겠어요',
  '1': '5km 미만',
  '2': '5km 이상 10km 미만',
  '3': '10km 이상 15km 미만',
  '4': '15km 이상',
};

/** The preference tag the SPA hides (group "prefer" tab) when the distance is not chosen. */
export const UNDECIDED_DISTANCE = '미정';

/** Runner levels, stored as the colour name; the settings form uses the index as a code. */
export const USER_LEVELS = ['오렌지', '퍼플', '블루', '레드', '블랙'] as const;
export type UserLevel = (typeof USER_LEVELS)[number];

/** Spellings some original rows hold; the SPA draws them as the first level (orange). */
const FIRST_LEVEL_ALIASES = ['처음이에요', '처음이예요'];

/** Label of a region code; a value outside the table is shown as stored, null stays null. */
export function likeLocationLabel(code: string | null): string | null {
  if (code === null) return null;
  return LIKE_LOCATION_LABELS[code] ?? code;
}

/** Label of a distance code; a value outside the table is shown as stored, null stays null. */
export function likeDistanceLabel(code: string | null): string | null {
  if (code === null) return null;
  return LIKE_DISTANCE_LABELS[code] ?? code;
}

/** The distance tag of a preference summary: `미정` unless a real range was chosen (1..4). */
export function preferDistanceLabel(code: string | null): string {
  return code !== null && code !== '0' && LIKE_DISTANCE_LABELS[code]
    ? LIKE_DISTANCE_LABELS[code]
    : UNDECIDED_DISTANCE;
}

export function isUserLevel(value: unknown): value is UserLevel {
  return typeof value === 'string' && (USER_LEVELS as readonly string[]).includes(value);
}

/** The settings form's code ('0'..'4') of a stored level, or null when it has none. */
export function userLevelCode(level: string | null): string | null {
  if (level === null) return null;
  if (FIRST_LEVEL_ALIASES.includes(level)) return '0';
  const index = (USER_LEVELS as readonly string[]).indexOf(level);
  return index >= 0 ? String(index) : null;
}

/** A level as the forms send it: the colour name or its code '0'..'4'; null otherwise. */
export function userLevelFromInput(value: unknown): UserLevel | null {
  if (isUserLevel(value)) return value;
  if (typeof value === 'string' && /^[0-4]$/.test(value)) return USER_LEVELS[Number(value)];
  return null;
}
