import request from 'supertest';
import { authHeaders, signIn } from './support/context';
import { appWithCapturedLog, type LoggedApp } from './support/logs';
import { dashed, FakeSens, randomMobile, makeUser } from './support/users';

/**
 * A run of requests that carry every kind of secret (access and refresh tokens, verification
 * codes, phone numbers, the SENS keys), with the logger at debug level and every SQL
 * statement logged: none of them may appear in the output.
 */

let logged: LoggedApp;
let sens: FakeSens;

beforeAll(async () => {
  sens = await FakeSens.start();
  logged = await appWithCapturedLog(() => ({ sms: { sens: sens.settings(), timeoutMs: 2000 } }));
});
afterAll(async () => {
  await logged.runtime.close();
  await sens.close();
});

it('Never writes a token, code, phone number or key to the log', async () => {
  const user = await makeUser();
  const tokens = await signIn(logged.runtime, user);
  const headers = authHeaders(tokens);
  const tel = randomMobile();
  const secrets: string[] = [tokens.token, tokens.refreshToken, tel, dashed(tel)];

  await request(logged.app).get('/auth/updateUser').set(headers).expect(200);
  await request(logged.app)
    .post('/user/message')
    .set(headers)
    .send({ tel: dashed(tel) })
    .expect(200);
  const code = sens.lastCode(tel);
  secrets.push(code);
  // A wrong code, then the right one: both travel in bodies the log must not echo.
  await request(logged.app).post('/user/verify').set(headers).send({ tel, code: '000000' });
  await request(logged.app).post('/user/verify').set(headers).send({ tel, code }).expect(200);
  // Secrets in the query string (an OAuth code) and in bad requests that get logged.
  await request(logged.app).get(`/user/kakao/callback?code=${code}&state=${tokens.token}`);
  await request(logged.app)
    .get('/auth/updateUser')
    .set(authHeaders({ token: tokens.token, refreshToken: 'x' }));
  await request(logged.app).get(`/nothing-here/${tel}?token=${tokens.refreshToken}`);
  await request(logged.app).delete('/user/logout').set(headers).expect(200);

  const settings = sens.settings();
  secrets.push(settings.secretKey, settings.accessKey);

  // The run did log (the access log and SQL at least), so an empty output cannot pass.
  expect(logged.output()).toMatch(/"level":"http"/);
  expect(logged.output()).toMatch(/"level":"debug"/);
  for (const secret of secrets) {
    expect({ secret, found: logged.output().includes(secret) }).toEqual({ secret, found: false });
  }
  // Nor the number in another spelling.
  expect(logged.output()).not.toContain(`${tel.slice(0, 3)} ${tel.slice(3, 7)} ${tel.slice(7)}`);
});

it('The access log names the whole path (the router mount included), never the query string', async () => {
  const before = logged.output().length;
  await request(logged.app).get('/group/all?region=1&code=123456').expect(200);
  await request(logged.app).get('/course/all?page=1').expect(200);
  const lines = logged
    .output()
    .slice(before)
    .split('\n')
    .filter((line) => line.includes('"level":"http"'))
    .map((line) => (JSON.parse(line) as { message: string }).message);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^\S+ GET \/group\/all 200 /);
  expect(lines[1]).toMatch(/^\S+ GET \/course\/all 200 /);
  for (const line of lines) expect(line).not.toContain('?');
});
