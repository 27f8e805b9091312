/**
 * Auth failure messages, byte-identical to the ones the SPA reacts to (most force a logout).
 */
export const AUTH = {
  headerMissing: 'authorization 값이 존재하지 않습니다.',
  headerMalformed: 'authorization 값이 올바르지 않습니다.',
  notBearer: '토큰이 Bearer가 아닙니다.',
  tokenInvalid: 'token에 문제가 있음(기한만료가 아닌 에러)',
  refreshHeaderMissing: 'reAuthorization 값이 존재하지 않습니다.',
  refreshHeaderMalformed: 'reAuthorization 값이 올바르지 않습니다.',
  refreshNotBearer: '리프레쉬 토큰이 Bearer가 아닙니다.',
  refreshExpired: 'refreshToken까지 만료되었습니다.',
  refreshInvalid: 'refreshToken에 문제가 있음(기한만료가 아닌 에러)',
  refreshUnknown: 'database에 저장된 refreshToken과 다릅니다.',
  accessRenewed: 'token 만료',
  accessRenewedReason: 'new Token 발급',
} as const;
