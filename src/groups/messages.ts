/**
 * Group-run messages. The original's strings are kept byte-identical because the SPA shows them
 * as they are (note the list's `불러오기를` and the detail's `불러오기가`); the ones for rules the
 * original did not have are ours.
 */
export const GROUP = {
  // Validation of a post, in the original's order.
  titleMissing: '제목은 반드시 입력해주셔야 합니다',
  titleTooShort: '제목은 최소 3글자 이상이어야 합니다',
  titleTooLong: '제목은 150자 이하로 입력해주세요',
  maxPeopleMissing: '모집인원은 반드시 입력해주셔야 합니다',
  maxPeopleNotNumber: '모집인원은 숫자만 입력가능합니다',
  maxPeopleRange: '모집인원은 2명 이상 20명 이하로 입력해주세요',
  // The original answered an empty date with this message too (a validator quirk).
  badDate: '날짜 형식만 입력 가능합니다',
  standbyTimeMissing: '스탠바이 시간은 반드시 입력해주셔야 합니다',
  badStandbyTime: '스탠바이 시간 형식이 올바르지 않습니다',
  finishTimeMissing: '종료 시간은 반드시 입력해주셔야 합니다',
  badFinishTime: '종료 시간 형식이 올바르지 않습니다',
  distanceMissing: '거리는 반드시 입력해주셔야 합니다',
  badDistance: '거리는 0 이상의 숫자만 입력가능합니다',
  speedMissing: '페이스는 반드시 입력해주셔야 합니다',
  speedTooLong: '페이스는 50자 이하로 입력해주세요',
  locationMissing: '러닝장소는 반드시 입력해주셔야 합니다',
  locationTooLong: '러닝장소는 200자 이하로 입력해주세요',
  mapLatLngMissing: '코스에 대한 정보는 반드시 입력해주셔야 합니다',
  badMapLatLng: '코스 정보 형식이 올바르지 않습니다',
  themaMissing: '러닝 테마는 반드시 입력해주셔야 합니다',
  badThema: '러닝 테마가 올바르지 않습니다',
  textTooLong: '입력값이 너무 깁니다',
  badChattingRoom: '채팅방 주소는 http:// 또는 https:// 로 시작해야 합니다',

  // Create, edit, delete.
  createTooSoon: '그룹러닝등록은 현재시간보다 6시간 이후부터 등록할 수 있습니다',
  createTooOften: '짧은시간내에 연속으로 글을 작성할 수 없습니다',
  created: '게시물이 등록되었습니다',
  notFound: '해당 게시물이 존재하지 않습니다',
  notHostUpdate: '본인이 작성한 글만 수정할 수 있습니다',
  notHostDelete: '본인이 작성한 글만 삭제할 수 있습니다',
  updateStarted: '이미 지난 그룹러닝은 수정할 수 없습니다',
  updateTooSoon: '그룹러닝수정은 현재시간보다 6시간 이후로만 수정할 수 있습니다',
  maxPeopleBelowApplicants: '모집인원은 현재 신청인원보다 적게 수정할 수 없습니다',
  updated: '게시글이 수정되었습니다',
  deleted: '게시글이 삭제되었습니다',

  // Lists and detail.
  badCategory: '불러오기 상태값이 올바르지 않습니다',
  badSearch: '검색 조건이 올바르지 않습니다',
  badUser: '잘못된 유저입니다',
  loginRequired: '로그인 후 사용할 수 있습니다',

  // Runs near me (ours).
  nearLocationMissing: '내 위치(lat, lng)를 입력해주세요',
  badLatitude: '위도(lat)는 -90 이상 90 이하의 숫자로 입력해주세요',
  badLongitude: '경도(lng)는 -180 이상 180 이하의 숫자로 입력해주세요',
  badRadius: '검색 반경(radiusKm)은 0보다 크고 50 이하인 숫자로 입력해주세요',

  // Applications.
  applyClosed: '이미 지난 그룹러닝은 신청 및 취소가 불가합니다',
  hostCannotCancel: '개설자는 신청을 취소할 수 없습니다',
  full: '신청인원이 남아있지 않습니다',
  applied: '그룹러닝에 신청되었습니다',
  cancelled: '그룹러닝 신청이 취소되었습니다',

  // Attendance.
  notHost: '그룹러닝 호스트가 아닙니다',
  attendanceNotYet: '아직 출석체크 시간이 아닙니다',
  attendanceSubmitted: '이미 제출이 완료된 출석명단입니다',
  attendanceDone: '출석체크가 완료되었습니다.',
  attendanceFailed: '출석체크가 완료되지 않았습니다.',

  // Host evaluation.
  hostCannotEvaluate: '크루장은 크루장 평가에 참여할 수 없습니다',
  notParticipant: '크루장 평가는 그룹러닝 참가자만 할 수 있습니다',
  evaluationNotYet: '그룹러닝이 시작된 후에 크루장 평가를 할 수 있습니다',
  alreadyEvaluated: '이미 크루장 평가에 참여했습니다',
  wrongHost: '크루장 정보가 올바르지 않습니다',
  badPoint: '평가 점수가 올바르지 않습니다',
  categoryMissing: '평가 항목을 선택해주세요',
  badCategoryForPoint: '평가 항목이 평가 점수와 맞지 않습니다',
  evaluated: '호스트 평가가 완료되었습니다',

  // What an unexpected failure of each endpoint answers (the original's catch-all messages).
  createFailed: '그룹러닝 게시물 작성이 실패하였습니다',
  updateFailed: '그룹러닝 게시물 수정이 실패하였습니다',
  deleteFailed: '그룹러닝 게시물 삭제가 실패하였습니다',
  listFailed: '그룹러닝 게시글 불러오기를 실패하였습니다',
  detailFailed: '그룹러닝 게시글 불러오기가 실패하였습니다',
  applyFailed: '그룹러닝신청이 실패하였습니다',
  attendanceListFailed: '출석체크 명단 불러오기에 실패하였습니다',
  evaluationPageFailed: '호스트 평가 페이지 불러오기에 실패하였습니다',
  evaluationFailed: '호스트 평가가 완료되지 않았습니다',
} as const;

/** The waitlist of a full run (ours: the original had none). */
export const WAITLIST = {
  joined: '대기 명단에 등록되었습니다',
  left: '대기 신청이 취소되었습니다',
  notFull: '신청인원이 남아있습니다. 대기 대신 그룹러닝을 신청해주세요',
  host: '개설자는 대기 신청을 할 수 없습니다',
  alreadyApplied: '이미 신청한 그룹러닝입니다',
  closed: '이미 지난 그룹러닝은 대기 신청 및 취소가 불가합니다',
  // Applying to a full run while on its waitlist.
  waiting: '대기 중인 그룹러닝입니다. 자리가 나면 자동으로 신청됩니다',
  failed: '그룹러닝 대기 신청이 실패하였습니다',
} as const;
