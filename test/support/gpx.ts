import request from 'supertest';
import type { TestContext } from './context';
import { GUEST } from './groups';

/** supertest leaves unknown types unread: the body as text. */
function textParser(res: request.Response, done: (err: Error | null, body: string) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  stream.on('end', () => done(null, text));
}

/** A GET of a route file from `app`, its body read as text. */
export const download = (
  app: TestContext['app'],
  url: string,
  headers: Record<string, string> = GUEST,
) => request(app).get(url).set(headers).buffer(true).parse(textParser);
