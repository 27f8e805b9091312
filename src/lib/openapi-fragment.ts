import type { OpenAPIV3_1 } from 'openapi-types';

/**
 * The pieces the OpenAPI fragments of runs near me and GPX routes share, typed so that
 * openapi-types' 3.1 operations are accepted (its `PathsObject` mixes in 3.0 operation types).
 */
type Method = `${OpenAPIV3_1.HttpMethods}`;
export type PathItem = Omit<OpenAPIV3_1.PathItemObject, Method> & {
  [M in Method]?: OpenAPIV3_1.OperationObject;
};
export type Paths = Record<string, PathItem>;

/** A `{success: false, message}` answer. */
export const failure = (description: string): OpenAPIV3_1.ResponseObject => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Failure' } } },
});
