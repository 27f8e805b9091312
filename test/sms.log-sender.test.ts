import { PassThrough } from 'node:stream';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { bootstrap } from '../src/bootstrap';
import { createApp } from '../src/app';
import { createLogger } from '../src/lib/logger';
import { maskMobilesInText } from '../src/lib/phone';
import { reminderText } from '../src/alarms/texts';
import { authHeaders, signIn } from './support/context';
import { dashed, makeUser, randomMobile } from './support/users';

/**
 * The log-only SMS sender (no SENS keys) on the real app: outside production the log shows the
 * verification code on a line marked as a development aid, so a phone can be verified locally;
 * with NODE_ENV=production it never does. Logged texts mask phone numbers, not links.
 */
async function appWithLog(production: boolean) {
  let output = '';
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const base = loadConfig(process.env);
  const config = { ...base, production, sms: { ...base.sms, sens: null } };
  const logger = createLogger({ level: 'info', format: 'json', stream });
  const runtime = await bootstrap(config, { migrate: false, logger });
  return { runtime, app: createApp(runtime), output: () => output };
}

const DEV_LINE = /\[dev only\] verification code for (010-\*{4}-\d{4}): (\d{6})/;

describe('Outside production', () => {
  let env: Awaited<ReturnType<typeof appWithLog>>;
  beforeAll(async () => {
    env = await appWithLog(false);
  });
  afterAll(() => env.runtime.close());

  it('The log shows the code, marked as a development aid, and that code verifies the phone', async () => {
    const user = await makeUser();
    const headers = authHeaders(await signIn(env.runtime, user));
    const tel = randomMobile();
    await request(env.app)
      .post('/user/message')
      .set(headers)
      .send({ tel: dashed(tel) })
      .expect(200);

    const match = DEV_LINE.exec(env.output());
    expect(match).not.toBeNull();
    const [, shown, code] = match!;
    expect(shown).toBe(`${tel.slice(0, 3)}-****-${tel.slice(-4)}`);
    expect(env.output()).not.toContain(tel);
    // The text itself is logged with the code hidden: only the marked line carries it.
    expect(env.output().split(code)).toHaveLength(2);

    const verified = await request(env.app).post('/user/verify').set(headers).send({ tel, code });
    expect(verified.status).toBe(200);
  });

  it('A reminder text keeps its link readable', async () => {
    const groupId = '123e4567-e89b-12d3-a456-426614174000';
    const content = reminderText(
      { category: 'start', role: 'host', nickname: '러너', groupTitle: '한강 5km', groupId },
      'https://www.erunjrun.com',
    );
    await env.runtime.sms.send({ to: '01098765432', content });
    expect(env.output()).toContain(`https://www.erunjrun.com/check/${groupId}`);
    expect(env.output()).toContain('"to":"010****5432"');
    expect(env.output()).not.toMatch(/\[dev only\][^\n]*5432/);
  });
});

describe('With NODE_ENV=production', () => {
  let env: Awaited<ReturnType<typeof appWithLog>>;
  beforeAll(async () => {
    env = await appWithLog(true);
  });
  afterAll(() => env.runtime.close());

  it('The log never shows the code nor the number', async () => {
    const user = await makeUser();
    const headers = authHeaders(await signIn(env.runtime, user));
    const tel = randomMobile();
    await request(env.app).post('/user/message').set(headers).send({ tel }).expect(200);
    const output = env.output();
    expect(output).toMatch(/sms not sent: SENS is not configured/);
    expect(output).toContain('[******]');
    expect(output).not.toMatch(/dev only/);
    expect(output).not.toMatch(/\[\d{6}\]/);
    expect(output).not.toContain(tel);
  });
});

describe('Masking phone numbers in a text', () => {
  it('Masks Korean mobile numbers in every usual spelling', () => {
    for (const written of [
      '01012345678',
      '010-1234-5678',
      '010 1234 5678',
      '010.1234.5678',
      '+82 10-1234-5678',
      '+821012345678',
    ]) {
      expect(maskMobilesInText(`전화 ${written} 로`)).toBe('전화 010-****-5678 로');
    }
    expect(maskMobilesInText('011-123-4567')).toBe('011-****-4567');
    expect(maskMobilesInText('0161234567')).toBe('016-****-4567');
  });

  it('Leaves other runs of digits alone: ids in links, amounts, dates', () => {
    for (const text of [
      'https://www.erunjrun.com/group/detail/12345',
      'https://www.erunjrun.com/group/detail/010123456789',
      '참가비 10000원, 2026-12-03 07:30',
      '주문번호 20261203123456',
    ]) {
      expect(maskMobilesInText(text)).toBe(text);
    }
  });
});
