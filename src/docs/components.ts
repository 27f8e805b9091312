import type { OpenAPIV3_1 } from 'openapi-types';
import { AUTH } from '../auth/messages';

/**
 * The shared parts of the OpenAPI document: the envelope every failure answers with, the list
 * card and detail of a run (used by more than one domain), the security schemes, the common
 * parameters, and the small builders the per-domain fragments write their operations with.
 */

export type Schema = OpenAPIV3_1.SchemaObject | OpenAPIV3_1.ReferenceObject;

type Method = `${OpenAPIV3_1.HttpMethods}`;
/**
 * A path item of OpenAPI 3.1. `OpenAPIV3_1.PathItemObject` of openapi-types keeps the 3.0
 * operation type beside the 3.1 one (its `Omit` is keyed by the enum, not its strings), so a
 * 3.1 schema (type arrays, `const`) in an operation would not type-check; this is the same
 * shape with the methods replaced.
 */
export type PathItem = Omit<OpenAPIV3_1.PathItemObject, Method> & {
  [M in Method]?: OpenAPIV3_1.OperationObject;
};
/** What a fragment's `paths` holds. */
export type Paths = Record<string, PathItem>;

export const ref = (name: string): OpenAPIV3_1.ReferenceObject => ({
  $ref: `#/components/schemas/${name}`,
});

/** A closed object: every property required unless named in `optional`, nothing else allowed. */
export function object(
  properties: Record<string, Schema>,
  optional: readonly string[] = [],
  description?: string,
): OpenAPIV3_1.SchemaObject {
  return {
    type: 'object',
    ...(description && { description }),
    additionalProperties: false,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    properties,
  };
}

export const string = (description?: string): OpenAPIV3_1.SchemaObject => ({
  type: 'string',
  ...(description && { description }),
});
export const integer = (description?: string): OpenAPIV3_1.SchemaObject => ({
  type: 'integer',
  ...(description && { description }),
});
export const number = (description?: string): OpenAPIV3_1.SchemaObject => ({
  type: 'number',
  ...(description && { description }),
});
export const boolean = (description?: string): OpenAPIV3_1.SchemaObject => ({
  type: 'boolean',
  ...(description && { description }),
});
export const nullableString = (description?: string): OpenAPIV3_1.SchemaObject => ({
  type: ['string', 'null'],
  ...(description && { description }),
});
export const arrayOf = (items: Schema, description?: string): OpenAPIV3_1.SchemaObject => ({
  type: 'array',
  items,
  ...(description && { description }),
});
/** `{success: true, message}` with the one message a write answers. */
export const done = (message: string): OpenAPIV3_1.SchemaObject =>
  object({ success: { const: true }, message: { const: message } });

/** A JSON answer. */
export function json(description: string, schema: Schema): OpenAPIV3_1.ResponseObject {
  return { description, content: { 'application/json': { schema } } };
}

/**
 * A `{success:false, message}` answer; each message it can carry is an example (the SPA shows
 * the message to the user as it is).
 */
export function failure(
  description: string,
  messages: readonly string[],
  schema: Schema = ref('Failure'),
): OpenAPIV3_1.ResponseObject {
  const examples = Object.fromEntries(
    messages.map((message, i) => [
      `message${i + 1}`,
      { summary: message, value: { success: false, message } },
    ]),
  );
  return {
    description,
    content: { 'application/json': { schema, ...(messages.length > 0 && { examples }) } },
  };
}

const ACCESS_REFUSED = [
  AUTH.headerMissing,
  AUTH.headerMalformed,
  AUTH.notBearer,
  AUTH.tokenInvalid,
  AUTH.refreshHeaderMissing,
  AUTH.refreshHeaderMalformed,
  AUTH.refreshNotBearer,
  AUTH.refreshExpired,
  AUTH.refreshInvalid,
  AUTH.refreshUnknown,
];

/**
 * 401: the token is missing, malformed or revoked (`Failure`), or it expired and
 * `reAuthorization` held its session's refresh token: then the body carries a new access
 * `token` (the SPA stores it and retries once).
 */
export const unauthorized = (also: readonly string[] = []): OpenAPIV3_1.ResponseObject => {
  const response = failure(
    'Not signed in, or the access token was refused; or a renewed access token (`TokenRenewed`).',
    [...also, ...ACCESS_REFUSED],
    { oneOf: [ref('Failure'), ref('TokenRenewed')] },
  );
  const media = response.content!['application/json'];
  media.examples = {
    ...media.examples,
    renewed: {
      summary: AUTH.accessRenewed,
      value: {
        succcss: false,
        message: AUTH.accessRenewed,
        reason: AUTH.accessRenewedReason,
        token: '<new access JWT>',
      },
    },
  };
  return response;
};

/** Signed-in routes: a bearer access token, with the refresh token beside it for renewal. */
export const signedIn: OpenAPIV3_1.SecurityRequirementObject[] = [
  { bearer: [], reauthorization: [] },
  { bearer: [] },
];
/** Public reads personalised for a signed-in viewer (`Bearer undefined` is a guest). */
export const anyone: OpenAPIV3_1.SecurityRequirementObject[] = [{}, ...signedIn];

/** A path parameter (ids are strings). */
export function pathParam(name: string, description: string): OpenAPIV3_1.ParameterObject {
  return { name, in: 'path', required: true, description, schema: { type: 'string' } };
}

export function queryParam(
  name: string,
  description: string,
  schema: Schema = { type: 'string' },
  required = false,
): OpenAPIV3_1.ParameterObject {
  // openapi-types keeps the 3.0 schema type on parameters; the document is 3.1.
  return { name, in: 'query', required, description, schema: schema as ParameterSchema };
}

type ParameterSchema = OpenAPIV3_1.ParameterObject['schema'];

const groupCard = object(
  {
    groupId: string(),
    title: string(),
    location: string('Short address (first two words)'),
    distance: number('km, without unit'),
    date: string('Display date, e.g. `2026.12.03 (목) 07:00`'),
    standbyTime: string('`HH:mm:ss`'),
    maxPeople: integer(),
    thumbnailUrl: nullableString('384-px variant, or the theme default'),
    applyPeople: integer(),
    userId: string('The host'),
    applyEndTime: string('Display text of how long applications stay open'),
    thema: string(),
    nickname: string('The host'),
    profileUrl: string('The host'),
    applyState: boolean('Whether the viewer applied'),
  },
  [],
  'A card of the group lists (`/group/all`, `main`, `prefer`, `mypage`, `complete`).',
);

const person = object({ userId: string(), nickname: string(), profileUrl: string() });

const groupDetail = object(
  {
    groupId: string(),
    userId: string('The host'),
    mapLatLng: arrayOf({}, 'The route as the SPA drew it'),
    thumbnailUrl1: nullableString('758-px variant, or the theme default'),
    thumbnailUrl2: nullableString(),
    thumbnailUrl3: nullableString(),
    title: string(),
    maxPeople: integer(),
    date: string('`YYYY-MM-DD`'),
    standbyTime: string('`HH:mm:ss`'),
    finishTime: nullableString(),
    distance: number(),
    speed: string(),
    location: string(),
    parking: nullableString(),
    baggage: nullableString(),
    content: nullableString(),
    region: integer('Region code 1..9'),
    timecode: integer('Start-time slot 1..6'),
    thema: string(),
    chattingRoom: string('Open-chat link, given to applicants only (else empty)'),
    createdAt: string(),
    applyState: boolean(),
    applyEndTime: string(),
    Appliers: arrayOf(person, 'Every applicant, the host first'),
    nickname: string('The host'),
    profileUrl: string('The host'),
    userLevel: nullableString('The host'),
    mannerPoint: number('The host'),
    datetime: string('Display date and time'),
    waitingCount: integer('How many runners wait for a seat (0 once the run has started)'),
    waitlistPosition: {
      type: ['integer', 'null'],
      minimum: 1,
      description:
        "The viewer's place in the queue (1 = next); null when not waiting, for guests and once the run has started",
    },
  },
  [],
  '`GET /group/detail/{groupId}`.',
);

export const sharedSchemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  Failure: object(
    { success: { const: false }, message: string('Korean, shown to the user as it is') },
    [],
    'Every refusal and failure.',
  ),
  TokenRenewed: object(
    {
      succcss: { const: false, description: 'Spelled as the SPA was built against' },
      message: { const: AUTH.accessRenewed },
      reason: { const: AUTH.accessRenewedReason },
      token: string('The new access token'),
    },
    [],
    'The access token expired and the refresh token is current: a new access token.',
  ),
  Person: person,
  GroupCard: groupCard,
  GroupDetail: groupDetail,
};

export const securitySchemes: Record<string, OpenAPIV3_1.SecuritySchemeObject> = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'The access token from a login callback, as `Authorization: Bearer <token>`. ' +
      '`Bearer undefined` (what the SPA sends without one) is a guest.',
  },
  reauthorization: {
    type: 'apiKey',
    in: 'header',
    name: 'reAuthorization',
    description:
      '`Bearer <refreshToken>`: with an expired access token, the answer is 401 with a new ' +
      'access `token` (`TokenRenewed`).',
  },
};
