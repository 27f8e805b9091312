/** What the calendar feature answers and writes (Korean, as the rest of the API). */
export const CALENDAR = {
  notFound: '캘린더 구독 주소를 찾을 수 없습니다. 새 주소를 발급받아주세요.',
  revoked: '캘린더 구독 주소를 해지했습니다.',
  notIssued: '발급된 캘린더 구독 주소가 없습니다.',
  name: '이RUN 저RUN 러닝 일정',
  /** The event's description: distance, pace and the link to the run on the SPA. */
  description: (distanceKm: number, speed: string, link: string) =>
    `거리: ${distanceKm}km\n페이스: ${speed}\n${link}`,
} as const;
