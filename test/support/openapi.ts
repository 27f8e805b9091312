import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenAPIV3_1 } from 'openapi-types';
import { buildOpenApiDocument } from '../../src/docs/openapi';

/**
 * Checks HTTP answers against the OpenAPI document: the status must be documented for the
 * operation, the content type must be one it lists, and a JSON body must match its schema
 * (strict: every object is closed). Schemas are compiled once per document and response.
 */

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
type Method = (typeof HTTP_METHODS)[number];

/** What the app's middleware answers on a path no route serves (the 404 handler, the edge). */
const UNROUTED_STATUSES = new Set([400, 404, 413, 429]);

export interface Answer {
  method: string;
  /** The request path, without the query. */
  path: string;
  status: number;
  contentType: string | undefined;
  body: unknown;
}

interface Template {
  template: string;
  segments: string[];
  item: OpenAPIV3_1.PathItemObject;
}

const isParam = (segment: string) => /^\{[^}]+\}$/.test(segment);
const splitPath = (path: string) => path.split('/').slice(1);

/** Which template serves a path: the one with literal segments earliest wins (`/group/all`). */
export function matchTemplate<T extends { segments: string[] }>(
  templates: T[],
  path: string,
): T | undefined {
  const segments = splitPath(path);
  const matching = templates.filter(
    (t) =>
      t.segments.length === segments.length &&
      t.segments.every((s, i) => isParam(s) || s === segments[i]),
  );
  const score = (t: T) => t.segments.map((s) => (isParam(s) ? '0' : '1')).join('');
  return matching.sort((a, b) => score(b).localeCompare(score(a)))[0];
}

const mediaType = (value: string) => value.split(';')[0].trim().toLowerCase();

function mediaMatches(documented: string, actual: string): boolean {
  const [type, subtype] = mediaType(documented).split('/');
  const [actualType, actualSubtype] = actual.split('/');
  return type === actualType && (subtype === '*' || subtype === actualSubtype);
}

const COMPONENTS_ID = 'components.json';

/** The document's `#/components/schemas/X` references, pointing into the one components schema. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        key === '$ref' && typeof inner === 'string'
          ? inner.replace('#/components/schemas/', `${COMPONENTS_ID}#/$defs/`)
          : rewriteRefs(inner),
      ]),
    );
  }
  return value;
}

export class ResponseChecker {
  private readonly ajv: Ajv2020;
  private readonly templates: Template[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: OpenAPIV3_1.Document) {
    this.ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({
      $id: COMPONENTS_ID,
      $defs: rewriteRefs(document.components?.schemas ?? {}) as Record<string, object>,
    });
    this.templates = Object.entries(document.paths ?? {}).map(([template, item]) => ({
      template,
      segments: splitPath(template),
      item: item as OpenAPIV3_1.PathItemObject,
    }));
  }

  /** The documented operation serving `method path`, if any. */
  operation(method: string, path: string) {
    const template = matchTemplate(this.templates, path);
    const op = template?.item[method.toLowerCase() as Method];
    return template && op ? { template: template.template, op } : undefined;
  }

  private validator(key: string, schema: object): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** Null when the answer is documented; otherwise what is wrong, for a test failure. */
  check(answer: Answer): string | null {
    const { method, path, status } = answer;
    const where = `${method.toUpperCase()} ${path} answered ${status}`;
    const found = this.operation(method, path);
    if (!found) {
      // No documented route: only the app's edge and its 404 handler may answer, with a Failure.
      if (!UNROUTED_STATUSES.has(status)) {
        return `${where}, but no operation in the OpenAPI document serves ${method} ${path}`;
      }
      const failure = this.document.components?.schemas?.Failure as object;
      return this.checkJson(where, 'Failure', failure, answer.body);
    }
    const { template, op } = found;
    const responses = op.responses ?? {};
    const response = (responses[String(status)] ?? responses.default) as
      OpenAPIV3_1.ResponseObject | undefined;
    if (!response) {
      const documented = Object.keys(responses).join(', ');
      return `${where}: status ${status} is not documented for ${method.toUpperCase()} ${template} (documented: ${documented})`;
    }
    const content = response.content ?? {};
    const documentedTypes = Object.keys(content);
    if (documentedTypes.length === 0) return null;
    const actual = mediaType(answer.contentType ?? '');
    const type = documentedTypes.find((t) => mediaMatches(t, actual));
    if (!type) {
      return `${where} with content type "${actual}", documented: ${documentedTypes.join(', ')}`;
    }
    const schema = content[type].schema;
    if (actual !== 'application/json' || !schema) return null;
    const key = `${method} ${template} ${status} ${type}`;
    return this.checkJson(`${where} (${template})`, key, schema, answer.body);
  }

  private checkJson(where: string, key: string, schema: object, body: unknown): string | null {
    const validate = this.validator(key, schema);
    if (validate(body)) return null;
    const errors = this.ajv.errorsText(validate.errors, { dataVar: 'body', separator: '\n  ' });
    const shown = JSON.stringify(body);
    const excerpt = shown.length > 600 ? `${shown.slice(0, 600)}…` : shown;
    return `${where}: the body does not match the OpenAPI document:\n  ${errors}\n  body: ${excerpt}`;
  }
}

let shared: ResponseChecker | undefined;

/** The checker of the app's own document (built once per test file). */
export function documentChecker(): ResponseChecker {
  shared ??= new ResponseChecker(buildOpenApiDocument('http://localhost'));
  return shared;
}
