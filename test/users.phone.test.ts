import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import winston from 'winston';
import { User } from '../src/db/models';
import { createPhoneCipher } from '../src/lib/phone-cipher';
import { createSmsSender, messageType, smsByteLength } from '../src/sms';
import { LogSmsSender } from '../src/sms/log-sender';
import { smsCodeText } from '../src/users/phone-verification.service';
import { authHeaders, signIn, useTestContext, type TestContext } from './support/context';
import { dashed, FakeSens, randomMobile, makeUser } from './support/users';

let ctx: TestContext;
let sens: FakeSens;

useTestContext(
  (c) => {
    ctx = c;
  },
  {
    config: async () => {
      sens = await FakeSens.start();
      return { sms: { sens: sens.settings(), timeoutMs: 2000 } };
    },
    teardown: () => sens?.close(),
  },
);
let phoneSettings: TestContext['config']['phone'];
beforeAll(() => {
  phoneSettings = ctx.config.phone;
});
afterEach(() => {
  ctx.config.phone = phoneSettings;
  ctx.clock.reset();
  sens.status = 202;
  sens.delayMs = 0;
});

const MESSAGES = {
  sent: { success: true, message: '인증번호를 발송했습니다.' },
  verified: { success: true, message: '핸드폰 인증 완료.' },
  wrong: { success: false, message: '인증번호가 다릅니다.' },
  missing: {
    success: false,
    message: '인증번호가 만료되었거나 요청되지 않았습니다. 인증번호를 다시 요청해주세요.',
  },
};

async function signedInUser() {
  const user = await makeUser();
  return { user, headers: authHeaders(await signIn(ctx, user)) };
}

const sendCode = (headers: Record<string, string>, tel: string) =>
  request(ctx.app).post('/user/message').set(headers).send({ tel });
const verify = (headers: Record<string, string>, tel: string, code: string | number) =>
  request(ctx.app).post('/user/verify').set(headers).send({ tel, code });

/** A signed-in user who has just been texted a code for a number of their own. */
async function codeSent() {
  const signedIn = await signedInUser();
  const tel = randomMobile();
  expect((await sendCode(signedIn.headers, tel)).status).toBe(200);
  return { ...signedIn, tel };
}

/** A six-digit code that is not `code`. */
const otherThan = (code: string) => String(((Number(code) - 100000 + 1) % 900000) + 100000);

describe('POST /user/message (send a code)', () => {
  it('Texts a 6-digit code through SENS with the v2 signature and body', async () => {
    const { headers } = await signedInUser();
    const tel = randomMobile();
    const before = Date.now();

    const res = await sendCode(headers, dashed(tel));

    expect(res.status).toBe(200);
    expect(res.body).toEqual(MESSAGES.sent);
    const sent = sens.requests.at(-1)!;
    const settings = sens.settings();
    const path = `/sms/v2/services/${settings.serviceId}/messages`;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(path);
    expect(sent.headers['content-type']).toMatch(/^application\/json/);
    expect(sent.headers['x-ncp-iam-access-key']).toBe(settings.accessKey);
    const timestamp = String(sent.headers['x-ncp-apigw-timestamp']);
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(Date.now());
    const expected = crypto
      .createHmac('sha256', settings.secretKey)
      .update(`POST ${path}\n${timestamp}\n${settings.accessKey}`)
      .digest('base64');
    expect(sent.headers['x-ncp-apigw-signature-v2']).toBe(expected);

    const code = sens.lastCode(tel);
    expect(code).toMatch(/^[1-9]\d{5}$/);
    expect(sent.body).toEqual({
      type: 'SMS',
      countryCode: '82',
      from: settings.from,
      content: `이런저런 인증번호는 [${code}] 입니다.`,
      messages: [{ to: tel }],
    });
  });

  it.each([['abc'], ['02-123-4567'], ['010-123'], ['']])(
    'Refuses the number %j with 400, sending nothing',
    async (tel) => {
      const { headers } = await signedInUser();
      const count = sens.requests.length;
      const res = await sendCode(headers, tel);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message: '휴대폰 번호를 정확히 입력해주세요.' });
      expect(sens.requests.length).toBe(count);
    },
  );

  it('Limits sends per user: the sixth within the window answers 429 and texts nothing', async () => {
    const { headers } = await signedInUser();
    for (let i = 0; i < 5; i += 1) {
      expect((await sendCode(headers, randomMobile())).status).toBe(200);
    }
    const count = sens.requests.length;
    const res = await sendCode(headers, randomMobile());
    expect(res.status).toBe(429);
    expect(res.body.success).toBe(false);
    expect(res.body.message).toMatch(
      /^인증번호 요청 횟수를 초과했습니다\. (59|60)분 후에 다시 시도해주세요\.$/,
    );
    expect(sens.requests.length).toBe(count);
  });

  it('A stranger spending their allowance on a number does not stop its owner from verifying it', async () => {
    const tel = randomMobile();
    const stranger = await signedInUser();
    for (let i = 0; i < ctx.config.phone.sendsPerNumber; i += 1) {
      expect((await sendCode(stranger.headers, tel)).status).toBe(200);
    }
    expect((await sendCode(stranger.headers, tel)).status).toBe(429);

    const owner = await signedInUser();
    expect((await sendCode(owner.headers, tel)).status).toBe(200);
    expect((await verify(owner.headers, tel, sens.lastCode(tel))).body).toEqual(MESSAGES.verified);
  });

  it("Limits one user's sends to one number, leaving their other numbers", async () => {
    ctx.config.phone = { ...ctx.config.phone, sendsPerNumber: 2 };
    const { headers } = await signedInUser();
    const tel = randomMobile();
    expect((await sendCode(headers, tel)).status).toBe(200);
    expect((await sendCode(headers, tel)).status).toBe(200);
    const count = sens.requests.length;
    const res = await sendCode(headers, tel);
    expect(res.status).toBe(429);
    expect(res.body.message).toMatch(/^인증번호 요청 횟수를 초과했습니다\. (59|60)분 후에/);
    expect(sens.requests.length).toBe(count);
    expect((await sendCode(headers, randomMobile())).status).toBe(200);
  });

  it('Refuses a number that too many different users asked for, and keeps serving the first ones', async () => {
    const tel = randomMobile();
    const users = [];
    for (let i = 0; i < ctx.config.phone.usersPerNumber; i += 1) {
      const user = await signedInUser();
      expect((await sendCode(user.headers, tel)).status).toBe(200);
      users.push(user);
    }
    const late = await signedInUser();
    const count = sens.requests.length;
    for (let i = 0; i < 2; i += 1) {
      const res = await sendCode(late.headers, tel);
      expect(res.status).toBe(429);
      expect(res.body).toEqual({
        success: false,
        message: expect.stringMatching(
          /^이 번호로 인증번호를 요청한 계정이 너무 많습니다\. (59|60)분 후에 다시 시도해주세요\.$/,
        ),
      });
    }
    expect(sens.requests.length).toBe(count);
    // Those admitted keep their own allowance; the late user can still text other numbers.
    expect((await sendCode(users[0].headers, tel)).status).toBe(200);
    expect((await sendCode(late.headers, randomMobile())).status).toBe(200);
  });

  it('SENS refusing answers 502 and leaves no code to verify', async () => {
    const { headers } = await signedInUser();
    const tel = randomMobile();
    sens.status = 401;
    const res = await sendCode(headers, tel);
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ success: false, message: '인증번호를 발송하지 못했습니다.' });
    const res2 = await verify(headers, tel, sens.lastCode(tel));
    expect(res2.body).toEqual(MESSAGES.missing);
  });

  it('SENS too slow answers 502 within the configured timeout', async () => {
    const { headers } = await signedInUser();
    sens.delayMs = 6000;
    const started = Date.now();
    const res = await sendCode(headers, randomMobile());
    expect(res.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(4500);
  });

  it('Needs a signed-in user', async () => {
    const res = await sendCode(authHeaders({}), randomMobile());
    expect(res.status).toBe(401);
  });
});

describe('POST /user/verify (check the code, store the phone)', () => {
  it('Stores the number encrypted once the code matches; the settings show it verified', async () => {
    const { user, headers } = await signedInUser();
    const tel = randomMobile();
    await sendCode(headers, dashed(tel));

    // Typed differently from the send: the same number once normalised.
    const res = await verify(headers, `${tel.slice(0, 3)} ${tel.slice(3)}`, sens.lastCode(tel));

    expect(res.status).toBe(200);
    expect(res.body).toEqual(MESSAGES.verified);
    const stored = (await User.findByPk(user.userId))!.phone!;
    expect(stored.startsWith('v1:')).toBe(true);
    expect(stored).not.toContain(tel);
    expect(createPhoneCipher(ctx.config.phone).decrypt(stored)).toBe(tel);
    const settings = await request(ctx.app).get('/auth/updateUser').set(headers);
    expect(settings.body.data).toMatchObject({ phone: dashed(tel), certPhone: true });

    // A code works once.
    const again = await verify(headers, tel, sens.lastCode(tel));
    expect(again.status).toBe(400);
    expect(again.body).toEqual(MESSAGES.missing);
  });

  it('A wrong code answers the original message; the right one still works afterwards', async () => {
    const { headers, tel } = await codeSent();
    const code = sens.lastCode(tel);
    const wrong = await verify(headers, tel, otherThan(code));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual(MESSAGES.wrong);
    expect((await verify(headers, tel, Number(code))).body).toEqual(MESSAGES.verified);
  });

  it('The code sent to one number does not verify another', async () => {
    const { user, headers, tel } = await codeSent();
    const other = randomMobile();
    const res = await verify(headers, other, sens.lastCode(tel));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(MESSAGES.wrong);
    expect((await User.findByPk(user.userId))!.phone).toBeNull();
  });

  it("Another user's code does not verify", async () => {
    const alice = await signedInUser();
    const bob = await signedInUser();
    const tel = randomMobile();
    await sendCode(alice.headers, tel);
    const res = await verify(bob.headers, tel, sens.lastCode(tel));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(MESSAGES.missing);
  });

  it('After 5 wrong codes the code is void, even the right one; a new code works', async () => {
    const { headers, tel } = await codeSent();
    const code = sens.lastCode(tel);
    for (let i = 0; i < 4; i += 1) {
      expect((await verify(headers, tel, otherThan(code))).body).toEqual(MESSAGES.wrong);
    }
    const fifth = await verify(headers, tel, otherThan(code));
    expect(fifth.status).toBe(429);
    expect(fifth.body).toEqual({
      success: false,
      message: '인증번호를 5회 잘못 입력했습니다. 인증번호를 다시 요청해주세요.',
    });
    expect((await verify(headers, tel, code)).body).toEqual(MESSAGES.missing);

    await sendCode(headers, tel);
    expect((await verify(headers, tel, sens.lastCode(tel))).body).toEqual(MESSAGES.verified);
  });

  it('A code expires after 3 minutes (the key store drops it; the app clock agrees)', async () => {
    const { user, headers, tel } = await codeSent();
    const ttl = await ctx.store.ttl(`phone-code:${user.userId}`);
    expect(ttl).toBeGreaterThan(170);
    expect(ttl).toBeLessThanOrEqual(180);

    ctx.clock.advance(181);
    const late = await verify(headers, tel, sens.lastCode(tel));
    expect(late.status).toBe(400);
    expect(late.body).toEqual(MESSAGES.missing);
  });

  it('A code is still good just before it expires', async () => {
    const { headers, tel } = await codeSent();
    ctx.clock.advance(170);
    expect((await verify(headers, tel, sens.lastCode(tel))).body).toEqual(MESSAGES.verified);
  });

  it('A new code replaces the previous one', async () => {
    const { headers, tel } = await codeSent();
    const first = sens.lastCode(tel);
    await sendCode(headers, tel);
    const second = sens.lastCode(tel);
    if (first !== second) {
      expect((await verify(headers, tel, first)).body).toEqual(MESSAGES.wrong);
    }
    expect((await verify(headers, tel, second)).body).toEqual(MESSAGES.verified);
  });

  it.each([['abcdef'], ['12345'], ['1234567'], [null]])(
    'Refuses the code %j with 400',
    async (code) => {
      const { headers } = await signedInUser();
      const res = await request(ctx.app)
        .post('/user/verify')
        .set(headers)
        .send({ tel: randomMobile(), code });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message: '인증번호 6자리를 입력해주세요.' });
    },
  );

  it('Without a code ever sent, verifying fails (no "undefined == null" pass)', async () => {
    const { user, headers } = await signedInUser();
    const res = await verify(headers, randomMobile(), '123456');
    expect(res.body).toEqual(MESSAGES.missing);
    expect((await User.findByPk(user.userId))!.phone).toBeNull();
  });
});

describe('SMS senders', () => {
  it('Counts non-ASCII as two bytes and chooses LMS from 80 bytes or for a link', () => {
    expect(smsByteLength('abc')).toBe(3);
    expect(smsByteLength('가나')).toBe(4);
    expect(messageType('a'.repeat(79))).toBe('SMS');
    expect(messageType('a'.repeat(80))).toBe('LMS');
    expect(messageType('가'.repeat(40))).toBe('LMS');
    expect(messageType('가'.repeat(39) + 'a')).toBe('SMS');
    expect(messageType('링크: https://www.erunjrun.com/check/1')).toBe('LMS');
  });

  it('The SENS sender sends the type it chose', async () => {
    const sender = createSmsSender(
      { sms: { sens: sens.settings(), timeoutMs: 1000 }, production: false },
      ctx.logger,
    );
    const to = randomMobile();
    const long =
      '홍길동님 30분 뒤 [한강 야간 러닝 정기 모임]러닝이 시작합니다. 출석체크를 해주세요.';
    expect(smsByteLength(long)).toBe(82);
    expect(await sender.send({ to, content: long })).toEqual({ type: 'LMS' });
    expect(sens.requests.at(-1)!.body).toMatchObject({ type: 'LMS', content: long });
    expect(await sender.send({ to, content: '짧은 문자' })).toEqual({ type: 'SMS' });
    expect(sens.requests.at(-1)!.body.type).toBe('SMS');
  });

  it('Without SENS the log-only sender is used; in production its log shows neither number nor code', async () => {
    expect(
      createSmsSender({ sms: { sens: null, timeoutMs: 1000 }, production: true }, ctx.logger).kind,
    ).toBe('log');
    let output = '';
    const logger = winston.createLogger({
      format: winston.format.json(),
      transports: [
        new winston.transports.Stream({
          stream: new Writable({
            write(chunk, _encoding, done) {
              output += String(chunk);
              done();
            },
          }),
        }),
      ],
    });
    const result = await new LogSmsSender(logger, { showCodes: false }).send({
      to: '01012345678',
      content: smsCodeText('482913'),
      code: '482913',
    });
    expect(result).toEqual({ type: 'SMS' });
    expect(output).toContain('010****5678');
    expect(output).not.toContain('01012345678');
    expect(output).not.toContain('482913');
  });
});
