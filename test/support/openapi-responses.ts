import http from 'node:http';
import { Test } from 'supertest';
import { notFoundHandler } from '../../src/lib/error-handler';
import { documentChecker } from './openapi';

/**
 * Every answer a test receives from the app through supertest is checked against the OpenAPI
 * document (jest `setupFilesAfterEnv`): an undocumented status, content type or body field
 * fails the request, so the test that made it fails with the method, path, status and what
 * does not match. Apps a test assembles itself (a bare Express app around one middleware) are
 * not the API and are not checked; CORS preflights and HEAD carry no body to check.
 */

interface Layer {
  handle?: unknown;
}

const isApi = new WeakMap<object, boolean>();

/** Whether the server a request went to runs the app of `createApp` (its 404 handler is last). */
function servesApi(target: unknown): boolean {
  if (!(target instanceof http.Server)) return false;
  const handler = target.listeners('request')[0] as { router?: { stack?: Layer[] } } | undefined;
  if (!handler) return false;
  let known = isApi.get(handler);
  if (known === undefined) {
    known = handler.router?.stack?.some((layer) => layer.handle === notFoundHandler) ?? false;
    isApi.set(handler, known);
  }
  return known;
}

interface TestInternals {
  app: unknown;
  method: string;
  url: string;
}

interface Received {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

type Assert = (resError: unknown, res: Received | undefined, fn?: unknown) => unknown;

const proto = Test.prototype as unknown as { assert: Assert };
const original = proto.assert;

proto.assert = function assertDocumented(this: TestInternals, resError, res, fn) {
  if (res && !['HEAD', 'OPTIONS'].includes(this.method) && servesApi(this.app)) {
    const problem = documentChecker().check({
      method: this.method,
      path: new URL(this.url).pathname,
      status: res.status,
      contentType: res.headers['content-type'],
      body: res.body,
    });
    if (problem) return original.call(this, new Error(problem), res, fn);
  }
  return original.call(this, resError, res, fn);
};
