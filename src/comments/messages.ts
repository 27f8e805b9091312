/**
 * Comment and reply messages. The original's strings are kept byte-identical (the SPA shows them
 * as they are); the length limit and the course-reply refusal are ours.
 */
export const CONTENT_MAX_LENGTH = 1000;

export const COMMENT = {
  contentMissing: '댓글은 반드시 입력해주셔야 합니다',
  contentTooLong: `댓글은 ${CONTENT_MAX_LENGTH}자 이하로 입력해주세요`,
  badCategory: '불러오기 상태값이 올바르지 않습니다',
  postNotFound: '해당 게시물이 존재하지 않습니다',
  notFound: '해당 댓글이 존재하지 않습니다',
  notAuthorUpdate: '본인이 작성한 댓글만 수정할 수 있습니다',
  notAuthorDelete: '본인이 작성한 댓글만 삭제할 수 있습니다',
  updated: '댓글 수정에 성공하였습니다',
  deleted: '댓글 삭제에 성공하였습니다',
} as const;

export const RECOMMENT = {
  contentMissing: '대댓글은 반드시 입력해주셔야 합니다',
  contentTooLong: `대댓글은 ${CONTENT_MAX_LENGTH}자 이하로 입력해주세요`,
  onCourseComment: '코스 추천 게시물의 댓글에는 대댓글을 달 수 없습니다',
  notFound: '해당 대댓글이 존재하지 않습니다',
  notAuthorUpdate: '본인이 작성한 대댓글만 수정할 수 있습니다',
  notAuthorDelete: '본인이 작성한 대댓글만 삭제할 수 있습니다',
  updated: '대댓글 수정에 성공하였습니다',
  deleted: '대댓글 삭제에 성공하였습니다',
} as const;
