import type { Alarm } from '../db/models';

export type TextSource = Pick<Alarm, 'category' | 'role' | 'nickname' | 'groupTitle' | 'groupId'>;

/**
 * Emoji and their joiners: carriers take texts in EUC-KR, which has none, and SENS refuses a
 * message holding one. They are dropped from the names put into a text (not from the alarm).
 */
const NOT_IN_TEXTS = /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\uFE0E|\uFE0F|\u200D/gu;

const forText = (value: string | null) => (value ?? '').replace(NOT_IN_TEXTS, '');

/**
 * The text of a worker alarm, word for word the original worker's (spaces and the " \n " before
 * a link included), with links to the configured SPA; and ours for a waitlist promotion.
 */
export function reminderText(alarm: TextSource, spaUrl: string): string {
  const nickname = forText(alarm.nickname);
  const title = forText(alarm.groupTitle);
  const host = alarm.role === 'host';
  switch (alarm.category) {
    case 'Dday':
      return `${nickname}님 오늘은[${title}]러닝이 있습니다`;
    case 'start':
      return host
        ? `${nickname}님 30분 뒤 [${title}]러닝이 시작합니다. 출석체크를 해주세요. \n 링크: ${spaUrl}/check/${alarm.groupId}`
        : `${nickname}님 30분 뒤 [${title}]러닝이 시작합니다.`;
    case 'end':
      return host
        ? `${nickname}님 [${title}] 러닝은 어떠셨나요? 당신은 멋진 크루장입니다!`
        : `${nickname}님 [${title}]러닝은 어떠셨나요? 크루장평가를 해주세요. \n 링크: ${spaUrl}/evaluation/${alarm.groupId}`;
    case 'waitlist':
      return `${nickname}님 대기하신 [${title}]러닝에 자리가 나서 신청되었습니다. \n 링크: ${spaUrl}/groupdetail/${alarm.groupId}`;
    default:
      throw new RangeError(`no text for alarm category "${alarm.category}"`);
  }
}
