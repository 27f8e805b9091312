import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import request from 'supertest';
import type { OpenAPIV3_1 } from 'openapi-types';
import { AUTH } from '../src/auth/messages';
import { ALARM_MESSAGES } from '../src/alarms/alarms.controller';
import { COMMENT, RECOMMENT } from '../src/comments/messages';
import { COURSE } from '../src/courses/messages';
import { GROUP } from '../src/groups/messages';
import { MESSAGES, notFoundHandler } from '../src/lib/error-handler';
import { RATE_LIMIT_MESSAGES } from '../src/lib/rate-limit';
import { USER_MESSAGES } from '../src/users/messages';
import { buildOpenApiDocument } from '../src/docs/openapi';
import { useTestContext, type TestContext } from './support/context';
import {
  HTTP_METHODS,
  ResponseChecker,
  documentChecker,
  matchTemplate,
  type Answer,
} from './support/openapi';
import { REPO_ROOT } from './support/test-env';

let ctx: TestContext;
useTestContext((built) => {
  ctx = built;
});

const document = () => documentChecker().document;

/** Every documented operation, as `METHOD /template`. */
function documentedOperations(doc: OpenAPIV3_1.Document): string[] {
  return Object.entries(doc.paths ?? {}).flatMap(([template, item]) =>
    HTTP_METHODS.filter((m) => item?.[m]).map((m) => `${m.toUpperCase()} ${template}`),
  );
}

interface Mounted {
  method: string;
  /** Express path, e.g. `/group/detail/:groupId`; a static folder ends in `/*`. */
  path: string;
}

interface RouterLayer {
  rawPath?: unknown;
  handle: { name?: string; stack?: RouterLayer[] };
  route?: { path: string; methods: Record<string, boolean> };
}

const join = (prefix: string, rest: string) => `${prefix}${rest}`.replace(/\/+$/, '') || '/';

/** What the app serves: its routers' routes under their mount paths, and its static folders. */
function mountedRoutes(stack: RouterLayer[], prefix = ''): Mounted[] {
  return stack.flatMap((layer): Mounted[] => {
    const at = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    if (layer.route) {
      return Object.keys(layer.route.methods).map((method) => ({
        method: method.toUpperCase(),
        path: join(prefix, layer.route!.path),
      }));
    }
    if (layer.handle.stack) return mountedRoutes(layer.handle.stack, `${prefix}${at}`);
    if (layer.handle.name === 'serveStatic') return [{ method: 'GET', path: `${prefix}${at}/*` }];
    return [];
  });
}

const segmentsOf = (p: string) => p.split('/').slice(1);
const isVariable = (s: string) => s.startsWith(':') || /^\{.+\}$/.test(s);

/** Whether an Express route and a documented template can serve the same request. */
function overlaps(route: Mounted, template: string): boolean {
  const doc = segmentsOf(template);
  if (route.path.endsWith('/*')) {
    const prefix = segmentsOf(route.path.slice(0, -2));
    return doc.length > prefix.length && prefix.every((s, i) => s === doc[i]);
  }
  const own = segmentsOf(route.path);
  return (
    own.length === doc.length &&
    own.every((s, i) => isVariable(s) || isVariable(doc[i]) || s === doc[i])
  );
}

describe('The OpenAPI document', () => {
  it('Is a valid OpenAPI 3.1 document (checked against the official schema)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(buildOpenApiDocument('http://localhost:3000')));
    const cli = path.join(
      REPO_ROOT,
      'node_modules/@seriousme/openapi-schema-validator/bin/validate-api-cli.js',
    );
    try {
      const run = await promisify(execFile)(process.execPath, [cli, file]).catch(
        (err: { stdout: string }) => err,
      );
      expect(JSON.parse(run.stdout)).toEqual({ valid: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Is served at /openapi.json with the package version and this server as its server', async () => {
    const res = await request(ctx.app).get('/openapi.json').expect(200);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.info.version).toBe(pkg.version);
    expect(res.body.servers).toEqual([{ url: ctx.config.publicUrl }]);
    expect(documentedOperations(res.body)).toEqual(documentedOperations(document()));
  });

  it('Documents every route the app mounts, and mounts every route it documents', () => {
    const app = ctx.app as unknown as { router: { stack: RouterLayer[] } };
    const mounted = mountedRoutes(app.router.stack);
    const operations = documentedOperations(document()).map((op) => {
      const [method, template] = op.split(' ');
      return { method, template };
    });
    const undocumented = mounted
      .filter((r) => !operations.some((o) => o.method === r.method && overlaps(r, o.template)))
      .map((r) => `${r.method} ${r.path}`);
    const unmounted = operations
      .filter((o) => !mounted.some((r) => r.method === o.method && overlaps(r, o.template)))
      .map((o) => `${o.method} ${o.template}`);
    expect(undocumented).toEqual([]);
    expect(unmounted).toEqual([]);
  });

  it('Has no two paths that differ only in their parameter names', () => {
    const shapes = Object.keys(document().paths ?? {}).map((t) => t.replace(/\{[^}]+\}/g, '{}'));
    expect(shapes.filter((s, i) => shapes.indexOf(s) !== i)).toEqual([]);
  });

  it("Documents each of the SPA's 45 calls", () => {
    const spa = [
      'GET /user/kakao/callback', 'GET /user/naver/callback', 'GET /user/auth',
      'PATCH /auth/userLike', 'DELETE /user/logout', 'GET /alarm', 'PATCH /alarm',
      'GET /auth/info/u1', 'GET /group/complete', 'GET /group/mypage', 'GET /auth/updateUser',
      'PATCH /auth/updateUser', 'POST /user/message', 'POST /user/verify',
      'GET /group/evaluation/g1', 'PATCH /group/evaluation/g1', 'GET /group/attendance/g1',
      'PATCH /group/attendance/g1', 'DELETE /user/delete', 'GET /course/bookmark',
      'GET /course/mypage', 'GET /group/all', 'GET /group/prefer', 'GET /group/main',
      'GET /group/detail/g1', 'POST /group', 'DELETE /group/g1', 'PATCH /group/g1',
      'POST /group/g1/apply', 'GET /course/all', 'GET /course/main',
      'PATCH /course/c1/bookmark', 'GET /course/detail/c1', 'GET /course/c1/starPoint',
      'PATCH /course/c1/starPoint', 'POST /course', 'DELETE /course/c1',
      'GET /comment/group/g1', 'POST /comment/course/c1', 'PATCH /comment/m1',
      'DELETE /comment/m1', 'GET /recomment/m1', 'POST /recomment/m1', 'PATCH /recomment/r1',
      'DELETE /recomment/r1',
    ]; // prettier-ignore
    expect(new Set(spa).size).toBe(45);
    const missing = spa.filter((call) => {
      const [method, p] = call.split(' ');
      return !documentChecker().operation(method, p);
    });
    expect(missing).toEqual([]);
  });

  it('Holds every message the API answers with, as the Korean text the SPA shows', () => {
    const text = JSON.stringify(document());
    const messages = [
      AUTH,
      GROUP,
      COURSE,
      COMMENT,
      RECOMMENT,
      MESSAGES,
      RATE_LIMIT_MESSAGES,
      ALARM_MESSAGES,
      USER_MESSAGES,
    ].flatMap((set) => Object.values(set).filter((m): m is string => typeof m === 'string'));
    expect(messages.length).toBeGreaterThan(150);
    expect(messages.filter((m) => !text.includes(JSON.stringify(m)))).toEqual([]);
  });
});

describe('Answers checked against the document', () => {
  const health = (): Answer & { body: Record<string, unknown> } => ({
    method: 'GET',
    path: '/health',
    status: 200,
    contentType: 'application/json; charset=utf-8',
    body: {
      success: true,
      status: 'ok',
      database: { status: 'up', dialect: 'sqlite' },
      store: { status: 'up', kind: 'sqlite' },
    },
  });

  it('Accepts an answer as documented', () => {
    expect(documentChecker().check(health())).toBeNull();
  });

  it('Rejects a field added in code but not in the document', () => {
    const answer = health();
    answer.body = { ...answer.body, uptime: 12 };
    expect(documentChecker().check(answer)).toMatch(
      /GET \/health answered 200[\s\S]*must NOT have additional properties[\s\S]*uptime/,
    );
  });

  it('Rejects a field renamed in code (the documented name goes missing)', () => {
    const answer = health();
    const { store, ...rest } = answer.body;
    answer.body = { ...rest, keyStore: store };
    const problem = documentChecker().check(answer);
    expect(problem).toMatch(/must have required property 'store'/);
    expect(problem).toMatch(/must NOT have additional properties/);
  });

  it('Rejects a status the operation does not document, and a wrong content type', () => {
    expect(documentChecker().check({ ...health(), status: 418 })).toMatch(
      /status 418 is not documented for GET \/health/,
    );
    expect(documentChecker().check({ ...health(), contentType: 'text/html' })).toMatch(
      /content type "text\/html"/,
    );
  });

  it('Lets an unknown path answer only with the 404 handler and the edge failures', () => {
    const unknown = {
      method: 'GET',
      path: '/nowhere',
      status: 404,
      contentType: 'application/json',
      body: { success: false, message: MESSAGES.notFound },
    };
    expect(documentChecker().check(unknown)).toBeNull();
    expect(documentChecker().check({ ...unknown, status: 200 })).toMatch(
      /no operation in the OpenAPI document serves GET \/nowhere/,
    );
  });

  it('Prefers the literal path over a parameter (`/group/all` is not `/group/{groupId}`)', () => {
    const templates = ['/group/{groupId}', '/group/all'].map((t) => ({
      t,
      segments: t.split('/').slice(1),
    }));
    expect(matchTemplate(templates, '/group/all')?.t).toBe('/group/all');
    expect(matchTemplate(templates, '/group/abc')?.t).toBe('/group/{groupId}');
  });

  it("Fails the test whose request got an answer the document doesn't describe", async () => {
    // The app as it is, behind a middleware that adds a field to every JSON answer.
    const drifting = express();
    drifting.use((_req, res, next) => {
      const json = res.json.bind(res);
      res.json = (body: object) => json({ ...body, addedInCode: true });
      next();
    });
    drifting.use(ctx.app);
    drifting.use(notFoundHandler);
    await expect(request(drifting).get('/health')).rejects.toThrow(
      /GET \/health answered 200[\s\S]*addedInCode/,
    );
    // The same request to the app itself passes.
    await request(ctx.app).get('/health').expect(200);
  });

  it('Compiles each schema once, whatever the number of answers checked', () => {
    const checker = new ResponseChecker(document());
    const compile = jest.spyOn(
      (checker as unknown as { ajv: { compile: (s: object) => unknown } }).ajv,
      'compile',
    );
    for (let i = 0; i < 5; i += 1) checker.check(health());
    expect(compile).toHaveBeenCalledTimes(1);
  });
});
