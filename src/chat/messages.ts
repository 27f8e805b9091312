/** Korean messages of the chat's `error` events (the SPA shows server messages as they are). */
export const CHAT = {
  notMember: '그룹러닝 참여자만 채팅방을 이용할 수 있습니다.',
  /** The SPA's own wording for a user id that is not the signed-in user. */
  wrongUser: '잘못된 유저입니다',
  badGroup: '채팅방 정보가 올바르지 않습니다.',
  badCursor: '이전 대화를 불러올 위치가 올바르지 않습니다.',
  messageMissing: '메시지를 입력해주세요.',
  messageTooLong: '메시지는 500자 이하로 입력해주세요.',
  tooFast: '메시지를 너무 자주 보내고 있습니다. 잠시 후 다시 시도해주세요.',
  tooManyRequests: '요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
  /** Sent to a user's oldest connection when a new one goes over the per-user limit. */
  tooManyConnections: '채팅 연결이 너무 많아 가장 오래된 연결을 종료합니다.',
} as const;

/** Characters (an emoji is one), as MySQL counts them for `Chats.message` VARCHAR(500). */
export const MESSAGE_MAX_LENGTH = 500;
