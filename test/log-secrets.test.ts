import { PassThrough } from 'node:stream';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { bootstrap, type Runtime } from '../src/bootstrap';
import { createApp } from '../src/app';
import { createLogger } from '../src/lib/logger';
import { authHeaders, signIn } from './support/context';
import { dashed, FakeSens, randomMobile, makeUser } from './support/users';

/**
 * A run of requests that carry every kind of secret (access and refresh tokens, verification
 * codes, phone numbers, the SENS keys), with the logger at debug level and every SQL
 * statement logged: none of them may appear in the output.
 */

let runtime: Runtime;
let app: ReturnType<typeof createApp>;
let sens: FakeSens;
let output = '';

beforeAll(async () => {
  sens = await FakeSens.start();
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const base = loadConfig(process.env);
  const config = {
    ...base,
    log: { level: 'debug' as const, format: 'json' as const },
    db: { ...base.db, logQueries: true },
    sms: { sens: sens.settings(), timeoutMs: 2000 },
  };
  const logger = createLogger({ ...config.log, stream });
  runtime = await bootstrap(config, { migrate: false, logger });
  app = createApp(runtime);
});
afterAll(async () => {
  await runtime.close();
  await sens.close();
});

it('Never writes a token, code, phone number or key to the log', async () => {
  const user = await makeUser();
  const tokens = await signIn(runtime, user);
  const headers = authHeaders(tokens);
  const tel = randomMobile();
  const secrets: string[] = [tokens.token, tokens.refreshToken, tel, dashed(tel)];

  await request(app).get('/auth/updateUser').set(headers).expect(200);
  await request(app)
    .post('/user/message')
    .set(headers)
    .send({ tel: dashed(tel) })
    .expect(200);
  const code = sens.lastCode(tel);
  secrets.push(code);
  // A wrong code, then the right one: both travel in bodies the log must not echo.
  await request(app).post('/user/verify').set(headers).send({ tel, code: '000000' });
  await request(app).post('/user/verify').set(headers).send({ tel, code }).expect(200);
  // Secrets in the query string (an OAuth code) and in bad requests that get logged.
  await request(app).get(`/user/kakao/callback?code=${code}&state=${tokens.token}`);
  await request(app)
    .get('/auth/updateUser')
    .set(authHeaders({ token: tokens.token, refreshToken: 'x' }));
  await request(app).get(`/nothing-here/${tel}?token=${tokens.refreshToken}`);
  await request(app).delete('/user/logout').set(headers).expect(200);

  const settings = sens.settings();
  secrets.push(settings.secretKey, settings.accessKey);

  // The run did log (the access log and SQL at least), so an empty output cannot pass.
  expect(output).toMatch(/"level":"http"/);
  expect(output).toMatch(/"level":"debug"/);
  for (const secret of secrets) {
    expect({ secret, found: output.includes(secret) }).toEqual({ secret, found: false });
  }
  // Nor the number in another spelling.
  expect(output).not.toContain(`${tel.slice(0, 3)} ${tel.slice(3, 7)} ${tel.slice(7)}`);
});

it('The access log names the whole path (the router mount included), never the query string', async () => {
  const before = output.length;
  await request(app).get('/group/all?region=1&code=123456').expect(200);
  await request(app).get('/course/all?page=1').expect(200);
  const lines = output
    .slice(before)
    .split('\n')
    .filter((line) => line.includes('"level":"http"'))
    .map((line) => (JSON.parse(line) as { message: string }).message);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^\S+ GET \/group\/all 200 /);
  expect(lines[1]).toMatch(/^\S+ GET \/course\/all 200 /);
  for (const line of lines) expect(line).not.toContain('?');
});
