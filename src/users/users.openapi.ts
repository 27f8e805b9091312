import type { OpenAPIV3_1 } from 'openapi-types';
import {
  boolean,
  done,
  failure,
  json,
  object,
  queryParam,
  string,
  type Paths,
} from '../docs/components';
import { jsonBody, signedInOperation } from '../docs/operations';
import { RATE_LIMIT_MESSAGES } from '../lib/rate-limit';
import { USER_MESSAGES as M } from './messages';

/** `/user`: social login, identity, sessions, withdrawal and phone verification. */

const PROVIDERS = { kakao: '카카오', naver: '네이버' } as const;

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  Login: object(
    {
      succcss: { const: true, description: 'Spelled as the SPA was built against' },
      token: string('Access JWT'),
      refreshToken: string('Refresh JWT (send it as `reAuthorization`)'),
      userId: string(),
      nickname: string(),
      profileUrl: string(),
      firstLogin: boolean('True until the first-login survey (`PATCH /auth/userLike`)'),
      agreeSMS: boolean(),
    },
    [],
    'A signed-in session.',
  ),
  Me: object({
    success: { const: true },
    userId: string(),
    nickname: string(),
    profileUrl: string(),
    firstLogin: boolean(),
    agreeSMS: boolean(),
  }),
};

function social(provider: keyof typeof PROVIDERS): Paths {
  const name = PROVIDERS[provider];
  return {
    [`/user/${provider}`]: {
      get: {
        tags: ['users'],
        summary: `Start a ${provider} login (server-initiated flow; the SPA does not use it)`,
        responses: {
          '302': { description: `Redirect to ${name}'s authorization page` },
          '503': failure('Not configured', [M.loginNotConfigured(name)]),
        },
      },
    },
    [`/user/${provider}/callback`]: {
      get: {
        tags: ['users'],
        summary: `Finish a ${provider} login with the provider's code`,
        parameters: [
          queryParam('code', "The provider's authorization code", string(), true),
          ...(provider === 'naver' ? [queryParam('state', 'The flow state', string(), true)] : []),
        ],
        responses: {
          '200': json('Signed in (a new account on the first login)', {
            $ref: '#/components/schemas/Login',
          }),
          '400': failure('No code, or a wrong state', [M.loginBadRequest]),
          '401': failure('The provider refused the code', [M.loginRejected(name)]),
          '429': failure('Too many logins from this address', [RATE_LIMIT_MESSAGES.login]),
          '502': failure('The provider failed', [M.loginUnavailable(name)]),
          '503': failure('Not configured', [M.loginNotConfigured(name)]),
          '504': failure('The provider did not answer in time', [M.loginTimeout(name)]),
        },
      },
    },
  };
}

const signedInOnly = (
  summary: string,
  responses: OpenAPIV3_1.ResponsesObject,
  extra: Partial<OpenAPIV3_1.OperationObject> = {},
) => signedInOperation('users', summary, responses, extra);

const tel = string('As typed, dashes allowed (e.g. `010-1234-5678`)');

export const paths: Paths = {
  ...social('kakao'),
  ...social('naver'),
  '/user/auth': {
    get: signedInOnly('Who am I', {
      '200': json('The signed-in user', { $ref: '#/components/schemas/Me' }),
    }),
  },
  '/user/logout': {
    delete: signedInOnly('End this session (its refresh token stops working)', {
      '200': json('Signed out', done(M.loggedOut)),
    }),
  },
  '/user/delete': {
    delete: signedInOnly('Withdraw: the account and what is only its own are deleted', {
      '200': json('Withdrawn', done(M.withdrawn)),
    }),
  },
  '/user/message': {
    post: signedInOnly(
      'Text a 6-digit verification code',
      {
        '200': json('Sent', done(M.codeSent)),
        '400': failure('Not a mobile number', [M.telInvalid]),
        '429': failure('Too many codes asked for (the wait is in minutes)', [
          RATE_LIMIT_MESSAGES.sms,
          M.tooManySends(10),
          M.numberBusy(10),
        ]),
        '502': failure('The SMS service failed', [M.codeNotSent]),
      },
      { requestBody: jsonBody(object({ tel })) },
    ),
  },
  '/user/verify': {
    post: signedInOnly(
      'Check the code; the number is stored once it matches',
      {
        '200': json('Verified', done(M.phoneVerified)),
        '400': failure('Wrong, expired or malformed code', [
          M.wrongCode,
          M.codeMissing,
          M.codeFormat,
          M.telInvalid,
        ]),
        '429': failure('Too many wrong codes', [M.tooManyAttempts(5)]),
      },
      { requestBody: jsonBody(object({ tel, code: string('6 digits') })) },
    ),
  },
};
