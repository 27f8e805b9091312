import request from 'supertest';
import { authHeaders, signIn } from './support/context';
import { appWithCapturedLog, type LoggedApp } from './support/logs';
import { makeUser } from './support/users';

/**
 * A calendar feed's address is its only credential: with the access log and SQL logging on,
 * neither a served feed, a failed one nor a revoked one may write the secret to the log.
 */
let logged: LoggedApp;

beforeAll(async () => {
  logged = await appWithCapturedLog();
});
afterAll(async () => {
  await logged.runtime.close();
});

it('Never writes the secret of a feed address to the log', async () => {
  const { app } = logged;
  const headers = authHeaders(await signIn(logged.runtime, await makeUser()));
  const { url } = (await request(app).get('/user/calendar').set(headers).expect(200)).body as {
    url: string;
  };
  const secret = /\/calendar\/(.+)\.ics$/.exec(url)![1];
  const path = new URL(url).pathname;

  await request(app).get(path).expect(200);
  await request(app).get(`${path}?x=1`).expect(200);
  await request(app).get(`/calendar/${secret}`).expect(404);
  await request(app).delete('/user/calendar').set(headers).expect(200);
  await request(app).get(path).expect(404);

  // The run did log the requests (the access log at least), so an empty output cannot pass.
  const output = logged.output();
  expect(output).toMatch(/"level":"http"/);
  expect(output).toContain('/calendar/[REDACTED]');
  expect(output).not.toContain(secret);
});
