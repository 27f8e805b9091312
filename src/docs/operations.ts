import type { OpenAPIV3_1 } from 'openapi-types';
import { THEMES } from '../lib/codes';
import { queryParam, signedIn, unauthorized } from './components';

/** Builders of operations and request parts that several domains' fragments share. */

/** An operation for a signed-in user (its 401 answers added); `extra` may relax `security`. */
export function signedInOperation(
  tag: string,
  summary: string,
  responses: OpenAPIV3_1.ResponsesObject,
  extra: Partial<OpenAPIV3_1.OperationObject> = {},
): OpenAPIV3_1.OperationObject {
  return {
    tags: [tag],
    summary,
    security: signedIn,
    ...extra,
    responses: { ...responses, '401': unauthorized() },
  };
}

/** `page` (from 1) and `size` of the paged lists. */
export const pageParams: OpenAPIV3_1.ParameterObject[] = [
  queryParam('page', 'From 1', { type: 'integer', minimum: 1 }),
  queryParam('size', 'Cards per page', { type: 'integer', minimum: 1 }),
];

/** `userId` of the profile lists: whose list it is. */
export const ownerParam = queryParam('userId', 'The profile owner', { type: 'string' }, true);

export const jsonBody = (schema: OpenAPIV3_1.SchemaObject): OpenAPIV3_1.RequestBodyObject => ({
  required: true,
  content: { 'application/json': { schema } },
});

/** A multipart form (a post with its images); `required` names the fields a create needs. */
export function multipartBody(
  properties: Record<string, OpenAPIV3_1.SchemaObject>,
  required: string[] | null,
): OpenAPIV3_1.RequestBodyObject {
  const schema: OpenAPIV3_1.SchemaObject = { type: 'object', properties };
  if (required) schema.required = required;
  return { required: true, content: { 'multipart/form-data': { schema } } };
}

/** The repeated file field of a post's images (at most 3). */
export const imageFiles: OpenAPIV3_1.SchemaObject = {
  type: 'array',
  maxItems: 3,
  items: { type: 'string', contentMediaType: 'image/*' },
  description: 'Up to 3 images (repeated field)',
};

export const theme: OpenAPIV3_1.SchemaObject = { enum: [...THEMES] };
