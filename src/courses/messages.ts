/**
 * Course messages. The original's strings are kept byte-identical (the SPA shows them as they
 * are, typos included: `평점 불러오기에에`); the length limits, the theme check and the refusal to
 * rate one's own course are ours.
 */
export const TITLE_MIN_LENGTH = 3;
export const TITLE_MAX_LENGTH = 150;
export const CONTENT_MAX_LENGTH = 5000;
/** Column widths of `location`, `totalTime`, `parking` and `baggage`. */
export const TEXT_MAX_LENGTH = 255;
export const TOTAL_TIME_MAX_LENGTH = 50;

export const COURSE = {
  titleMissing: '제목은 반드시 입력해주셔야 합니다',
  titleTooShort: `제목은 최소 ${TITLE_MIN_LENGTH}글자 이상이어야 합니다`,
  titleTooLong: `제목은 ${TITLE_MAX_LENGTH}자 이하로 입력해주세요`,
  distanceMissing: '거리는 반드시 입력해주셔야 합니다',
  distanceInvalid: '거리는 0 이상의 숫자로 입력해주세요',
  locationMissing: '러닝장소는 반드시 입력해주셔야 합니다',
  locationTooLong: `러닝장소는 ${TEXT_MAX_LENGTH}자 이하로 입력해주세요`,
  routeMissing: '코스에 대한 정보는 반드시 입력해주셔야 합니다',
  contentMissing: '코스에 대한 설명은 반드시 입력해주셔야 합니다',
  contentTooLong: `코스에 대한 설명은 ${CONTENT_MAX_LENGTH}자 이하로 입력해주세요`,
  totalTimeMissing: '총 소요시간에 대한 설명은 반드시 입력해주셔야 합니다',
  totalTimeTooLong: `총 소요시간은 ${TOTAL_TIME_MAX_LENGTH}자 이하로 입력해주세요`,
  themeMissing: '테마는 반드시 선택해주셔야 합니다',
  extraTooLong: `주차, 짐 보관 정보는 ${TEXT_MAX_LENGTH}자 이하로 입력해주세요`,
  imageMissing: '이미지는 최소 1개 이상 등록해주세요',

  created: '게시물 등록에 성공하였습니다',
  createFailed: '게시물 등록에 실패하였습니다',
  updated: '게시물 수정에 성공했습니다',
  updateFailed: '코스추천 게시물 수정이 실패하였습니다',
  deleted: '게시물 삭제에 성공하였습니다',
  deleteFailed: '게시물 삭제에 실패하였습니다',
  notFound: '해당 게시물이 존재하지 않습니다',
  notAuthorUpdate: '게시물은 본인만 수정할 수 있습니다',
  notAuthorDelete: '게시물은 본인만 삭제할 수 있습니다',

  /** Lists: bad query values and unknown users (the SPA signs the user out on this one). */
  listFailed: '코스 추천 게시물 불러오기 실패하였습니다',
  detailFailed: '코스추천 게시글 불러오기를 실패하였습니다',

  bookmarkFailed: '북마크 입력에 실패했습니다',
  rateFailed: '평점 입력에 실패했습니다',
  ownCourseRating: '본인이 작성한 코스에는 평점을 줄 수 없습니다',
  starPointFailed: '평점 불러오기에에 실패했습니다',
} as const;
