import type { Theme } from './places';

/** Korean text for the demo data. Nicknames are at most 8 characters, as signup truncates them. */

export const NICKNAMES: readonly string[] = [
  '새벽러너',
  '한강달림이',
  '망원동토끼',
  '러닝하는곰',
  '달려라하니',
  '페이스메이커',
  '마라톤꿈나무',
  '슬로우조거',
  '런린이',
  '뛰는다람쥐',
  '서울러너',
  '부산갈매기',
  '제주바람',
  '오운완',
  '주말러너',
  '퇴근후러닝',
  '하프완주각',
  '풀코스가자',
  '호수한바퀴',
  '언덕왕',
  '인터벌장인',
  '달빛러너',
  '아침형인간',
  '올빼미러너',
  '트랙위의봄',
  '강변바람',
  '산타는러너',
  '해변조깅',
  '초코러너',
  '러닝맘',
  '러닝대디',
  '발바닥불꽃',
  '숨참고런',
  '한걸음더',
  '꾸준히달림',
  '가볍게5K',
  '땀방울',
  '러너스하이',
  '케이던스180',
  '느림보거북',
  '빠른토끼',
  '10K도전',
  '운동하는개발자',
  '무릎은소중해',
  '오늘도완주',
  '달리는요가',
];

export const BIOS: readonly string[] = [
  '주 3회 한강 러닝 중이에요. 같이 뛰어요!',
  '올해 목표는 하프 마라톤 완주입니다.',
  '러닝 시작한 지 3개월 된 런린이예요 🙂',
  '새벽 공기 좋아하는 아침형 러너',
  '퇴근 후 5km, 꾸준함이 무기입니다.',
  '트레일 러닝에 빠져 있어요. 산 좋아하시는 분 환영!',
  '풀코스 4회 완주. 페이스 조절 도와드려요.',
  '천천히 오래 달리는 게 좋아요.',
  '인터벌 훈련 같이 하실 분 구해요.',
  '바다 보면서 뛰는 게 최고예요.',
  '러닝 후 맛집 탐방이 진짜 목적입니다 🍜',
  '무릎 아프지 않게, 즐겁게 달리기!',
  '10K 50분 안에 들어오는 게 목표예요.',
  '주말마다 새로운 코스를 찾아다녀요.',
];

export const SPEEDS: readonly string[] = [
  `4'00" km/h`,
  `4'30" km/h`,
  `5'00" km/h`,
  `5'30" km/h`,
  `6'00" km/h`,
  `6'30" km/h`,
];

export const USER_LEVELS: readonly string[] = ['오렌지', '퍼플', '블루', '레드', '블랙'];

type TitleTemplate = (place: string, km: string) => string;

const COMMON_TITLES: readonly TitleTemplate[] = [
  (p) => `${p} 같이 달려요!`,
  (p, km) => `${p} ${km}km 가볍게 뛰실 분`,
  (p) => `초보 환영 ${p} 러닝`,
  (p) => `${p} 러닝 크루원 모집합니다`,
  (p, km) => `${km}km 페이스런 @${p}`,
];

const TITLES_BY_THEME: Record<Theme, readonly TitleTemplate[]> = {
  도시: [(p) => `${p} 시티런 🏙️`, (p) => `야경 보면서 ${p} 한 바퀴`],
  공원: [(p) => `${p} 산책하듯 조깅`, (p) => `${p} 한 바퀴 돌아요`],
  트랙: [(p) => `${p} 인터벌 트레이닝`, (p) => `${p} 트랙 400m 반복`],
  강변: [(p) => `${p} 강변 러닝`, (p, km) => `바람 맞으며 ${p} ${km}km`],
  산: [(p) => `${p} 트레일런`, (p) => `${p} 업힐 훈련 같이 해요`],
  해변: [(p) => `${p} 바닷가 러닝 🌊`, (p) => `일출 보러 ${p} 달려요`],
};

export function groupTitle(
  theme: Theme,
  place: string,
  km: string,
  pick: <T>(items: readonly T[]) => T,
) {
  return pick([...COMMON_TITLES, ...TITLES_BY_THEME[theme]])(place, km);
}

export function groupContent(
  place: string,
  speed: string,
  km: string,
  pick: <T>(items: readonly T[]) => T,
): string {
  const opener = pick([
    `${place}에서 함께 달릴 분을 찾아요.`,
    `이번에도 ${place}에서 모입니다!`,
    `${place} 코스 좋아하시는 분들 같이 뛰어요.`,
    `혼자 뛰기 심심해서 모집해요. 장소는 ${place}입니다.`,
  ]);
  const pace = `페이스는 ${speed.replace(' km/h', '')} 정도로 ${km}km 달릴 예정이에요.`;
  const closer = pick([
    '처음 오시는 분도 편하게 신청해 주세요.',
    '끝나고 근처에서 가볍게 커피 한잔해요 ☕',
    '물은 각자 챙겨 와 주세요.',
    '늦으시면 오픈채팅으로 연락 주세요!',
    '비가 많이 오면 취소될 수 있어요.',
  ]);
  return `${opener}\n${pace}\n${closer}`;
}

export function courseTitle(theme: Theme, place: string, pick: <T>(items: readonly T[]) => T) {
  return pick([
    `${place} 추천 코스`,
    `${place} ${theme} 러닝 코스`,
    `제가 제일 좋아하는 ${place} 루트`,
    `${place} 한 바퀴, 초보자에게 딱`,
    `${place} 주말 장거리 코스`,
  ]);
}

export function courseContent(place: string, pick: <T>(items: readonly T[]) => T): string {
  return [
    pick([
      `${place} 주변을 크게 도는 코스예요.`,
      `${place}에서 출발해서 돌아오는 순환 코스입니다.`,
      `자주 뛰는 ${place} 코스 공유해요.`,
    ]),
    pick([
      '길이 평탄해서 페이스 유지하기 좋아요.',
      '중간에 오르막이 하나 있는데 생각보다 괜찮아요.',
      '해 질 녘에 뛰면 풍경이 정말 예뻐요.',
      '화장실과 음수대가 중간중간 있어요.',
      '주말 오전엔 사람이 많으니 이른 시간 추천합니다.',
    ]),
  ].join('\n');
}

export const GROUP_QUESTIONS: readonly string[] = [
  '처음인데 따라갈 수 있을까요?',
  '주차 가능한가요?',
  '혹시 비 오면 진행하나요?',
  '페이스 조금 느려도 괜찮을까요?',
  '정확한 집결 장소가 어디인가요?',
  '짐 맡길 곳 있을까요?',
  '신청했습니다! 잘 부탁드려요 🙌',
  '10분 정도 늦을 수도 있는데 괜찮을까요?',
  '끝나고 같이 식사도 하나요?',
];

export const HOST_ANSWERS: readonly string[] = [
  '네, 천천히 맞춰서 뛰니까 걱정 마세요!',
  '근처 공영주차장 이용하시면 돼요.',
  '비가 많이 오면 오픈채팅으로 공지할게요.',
  '입구 앞 안내판 근처에서 모여요.',
  '물론이죠, 편하게 오세요 😊',
  '오시면 연락 주세요, 기다릴게요!',
];

export const APPLICANT_REPLIES: readonly string[] = [
  '저도 궁금했어요!',
  '저도 처음인데 같이 가요 ㅎㅎ',
  '그날 뵐게요!',
];

export const AFTER_RUN_COMMENTS: readonly string[] = [
  '오늘 정말 즐거웠어요! 다음에도 같이 뛰어요.',
  '덕분에 완주했어요 감사합니다 🙏',
  '페이스 조절 잘해주셔서 편하게 뛰었어요.',
  '날씨도 좋고 코스도 최고였어요.',
  '다음 번 모임도 꼭 참여할게요!',
];

export const AFTER_RUN_REPLIES: readonly string[] = [
  '와주셔서 감사해요! 또 봬요 😊',
  '다들 고생 많으셨어요!',
  '다음 모임 때 또 만나요!',
];

export const COURSE_COMMENTS: readonly string[] = [
  '저도 이 코스 자주 뛰어요. 추천합니다!',
  '이번 주말에 가 봐야겠어요.',
  '오르막 구간이 어느 정도인가요?',
  '밤에 뛰어도 안전한가요?',
  '코스 공유 감사합니다 👍',
  '경치가 정말 좋아 보이네요.',
  '초보도 뛸 만한가요?',
  '어제 뛰고 왔는데 너무 좋았어요!',
];
