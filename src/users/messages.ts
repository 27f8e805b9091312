/**
 * What the SPA shows for accounts (it alerts `message` of every failure). Where the original
 * had a message it is kept byte for byte; the others are new and say what to do next.
 */
export const USER_MESSAGES = {
  // Original messages.
  profileSaved: '프로필 수정에 성공하였습니다.',
  /** Also one of the SPA's forced-logout messages, as in the original. */
  profileNotFound: '유저 정보 불러오기에 실패하였습니다.',
  withdrawn: '회원탈퇴에 성공하였습니다.',
  loggedOut: '로그아웃 되었습니다.',
  codeSent: '인증번호를 발송했습니다.',
  codeNotSent: '인증번호를 발송하지 못했습니다.',
  phoneVerified: '핸드폰 인증 완료.',
  wrongCode: '인증번호가 다릅니다.',

  // Social login.
  loginNotConfigured: (provider: string) => `${provider} 로그인이 설정되어 있지 않습니다.`,
  loginBadRequest: '잘못된 로그인 요청입니다. 다시 로그인해주세요.',
  loginRejected: (provider: string) => `${provider} 로그인에 실패했습니다. 다시 로그인해주세요.`,
  loginUnavailable: (provider: string) =>
    `${provider} 로그인 서버에 연결할 수 없습니다. 잠시 후 다시 시도해주세요.`,
  loginTimeout: (provider: string) =>
    `${provider} 로그인 서버의 응답이 늦어지고 있습니다. 잠시 후 다시 시도해주세요.`,

  // Profile validation.
  nicknameLength: '닉네임은 1~8자로 입력해주세요.',
  nicknameTaken: '이미 사용 중인 닉네임입니다.',
  nicknameCharacters: '닉네임에는 보이지 않는 문자나 제어 문자를 쓸 수 없습니다.',
  bioLength: '한 줄 소개는 255자 이하로 입력해주세요.',
  likeLocation: '관심 지역을 다시 선택해주세요.',
  likeDistance: '관심 거리를 다시 선택해주세요.',
  userLevel: '러닝 레벨을 다시 선택해주세요.',
  agreeSMS: '문자 수신 동의 값이 올바르지 않습니다.',

  // Phone verification.
  telInvalid: '휴대폰 번호를 정확히 입력해주세요.',
  codeFormat: '인증번호 6자리를 입력해주세요.',
  codeMissing: '인증번호가 만료되었거나 요청되지 않았습니다. 인증번호를 다시 요청해주세요.',
  tooManyAttempts: (max: number) =>
    `인증번호를 ${max}회 잘못 입력했습니다. 인증번호를 다시 요청해주세요.`,
  tooManySends: (minutes: number) =>
    `인증번호 요청 횟수를 초과했습니다. ${minutes}분 후에 다시 시도해주세요.`,
  numberBusy: (minutes: number) =>
    `이 번호로 인증번호를 요청한 계정이 너무 많습니다. ${minutes}분 후에 다시 시도해주세요.`,
} as const;
