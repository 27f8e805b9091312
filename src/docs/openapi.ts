import fs from 'node:fs';
import path from 'node:path';
import type { OpenAPIV3_1 } from 'openapi-types';
import { MESSAGES } from '../lib/error-handler';
import { RATE_LIMIT_MESSAGES } from '../lib/rate-limit';
import { PROJECT_ROOT } from '../lib/paths';
import { CONTROL_CHARACTER_MESSAGE } from '../lib/validation';
import { failure, securitySchemes, sharedSchemas, type PathItem, type Paths } from './components';
import * as alarms from '../alarms/alarms.openapi';
import * as calendar from '../calendar/calendar.openapi';
import * as comments from '../comments/comments.openapi';
import * as courses from '../courses/courses.openapi';
import * as docs from './docs.openapi';
import * as groups from '../groups/groups.openapi';
import * as gpx from '../groups/gpx.openapi';
import * as near from '../groups/near.openapi';
import * as waitlist from '../groups/waitlist.openapi';
import * as health from '../health/health.openapi';
import * as profile from '../users/profile.openapi';
import * as uploads from '../uploads/uploads.openapi';
import * as users from '../users/users.openapi';

/** What a domain's `<domain>.openapi.ts` exports. */
export interface Fragment {
  paths: Paths | OpenAPIV3_1.PathsObject;
  schemas?: Record<string, OpenAPIV3_1.SchemaObject>;
}

/** Every fragment of the document: a new one is one import and one entry here. */
const FRAGMENTS: Fragment[] = [
  health,
  users,
  profile,
  groups,
  comments,
  courses,
  alarms,
  uploads,
  docs,
  calendar,
  near,
  gpx,
  waitlist,
];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const WRITES = new Set<string>(['post', 'put', 'patch', 'delete']);

type Operation = OpenAPIV3_1.OperationObject;
type Response = OpenAPIV3_1.ResponseObject;

/** Adds a failure to an operation's answers, or its messages to the one already there. */
function addFailure(op: Operation, status: string, description: string, messages: string[]) {
  const responses = (op.responses ??= {});
  const existing = responses[status] as Response | undefined;
  const media = existing?.content?.['application/json'];
  if (!existing || !media) {
    responses[status] ??= failure(description, messages);
    return;
  }
  const examples = (media.examples ??= {});
  const known = new Set(
    Object.values(examples).map((e) => JSON.stringify((e as OpenAPIV3_1.ExampleObject).value)),
  );
  for (const message of messages) {
    const value = { success: false, message };
    if (known.has(JSON.stringify(value))) continue;
    examples[`message${Object.keys(examples).length + 1}`] = { summary: message, value };
  }
}

/**
 * What the app's own middleware can answer on any route, whatever the route does: a URL with
 * control characters (400), an unexpected failure (500, the route's own message when it names
 * one) and a dependency down (503); writes also read a body (400, 413), are rate-limited (429)
 * and may meet a unique constraint (409).
 */
function withCommonResponses(op: Operation, method: string): void {
  const binary = Object.values(op.responses ?? {}).some((r) => {
    const types = Object.keys((r as Response).content ?? {});
    return types.length > 0 && !types.includes('application/json');
  });
  addFailure(op, '400', 'Bad request', [CONTROL_CHARACTER_MESSAGE]);
  if (WRITES.has(method)) {
    addFailure(op, '400', 'Bad request', [MESSAGES.badJson, MESSAGES.badBody]);
    addFailure(op, '409', 'Conflicts with stored data', [
      MESSAGES.conflict,
      MESSAGES.missingReference,
    ]);
    addFailure(op, '413', 'Body too large', [MESSAGES.tooLarge]);
    addFailure(op, '429', 'Too many writes from this address (`Retry-After`)', [
      RATE_LIMIT_MESSAGES.write,
    ]);
  }
  if (!binary) addFailure(op, '500', 'Unexpected failure', [MESSAGES.internal]);
  addFailure(op, '503', 'A dependency is down (`Retry-After: 5`)', [MESSAGES.unavailable]);
}

function packageVersion(): string {
  const file = path.join(PROJECT_ROOT, 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The OpenAPI 3.1 document of the API served at `publicUrl`. */
export function buildOpenApiDocument(publicUrl: string): OpenAPIV3_1.Document {
  const paths: Paths = {};
  const schemas: Record<string, OpenAPIV3_1.SchemaObject> = { ...sharedSchemas };
  for (const fragment of FRAGMENTS) {
    for (const [name, schema] of Object.entries(fragment.schemas ?? {})) {
      if (name in schemas) throw new Error(`OpenAPI schema ${name} is declared twice`);
      schemas[name] = schema;
    }
    for (const [template, item] of Object.entries(fragment.paths)) {
      if (template in paths) throw new Error(`OpenAPI path ${template} is declared twice`);
      const copy = structuredClone(item) as PathItem;
      for (const method of METHODS) {
        const op = copy[method];
        if (op) withCommonResponses(op, method);
      }
      paths[template] = copy;
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ErunJrun API',
      version: packageVersion(),
      description:
        'The ErunJrun group-running API. Every JSON answer is an envelope: `success` and a ' +
        'Korean `message` the SPA shows as it is, or the data. Ids are strings. Unknown paths ' +
        'answer 404 `Failure` ("' +
        MESSAGES.notFound +
        '"); CORS preflights (`OPTIONS`) answer 204 on every path.',
    },
    servers: [{ url: publicUrl }],
    paths: paths as OpenAPIV3_1.PathsObject,
    components: { schemas, securitySchemes },
  };
}

const cache = new Map<string, OpenAPIV3_1.Document>();

/** The document, built once per public URL (it is the same for every request). */
export function openApiDocument(publicUrl: string): OpenAPIV3_1.Document {
  let document = cache.get(publicUrl);
  if (!document) {
    document = buildOpenApiDocument(publicUrl);
    cache.set(publicUrl, document);
  }
  return document;
}
