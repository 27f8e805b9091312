import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { reencryptPhones } from '../src/cli/phones-reencrypt';
import { User } from '../src/db/models';
import { createPhoneCipher, PhoneDecryptError } from '../src/lib/phone-cipher';
import { authHeaders, signIn, useTestContext, type TestContext } from './support/context';
import { REPO_ROOT } from './support/test-env';
import { LEGACY_PASSPHRASE, LEGACY_VALUES, makeUser } from './support/users';

const run = promisify(execFile);

const KEY = crypto.randomBytes(32);
const cipher = createPhoneCipher({ encryptionKey: KEY, legacyKey: LEGACY_PASSPHRASE });

describe('phone cipher', () => {
  it('Encrypts with AES-256-GCM behind a version prefix, with a fresh IV every time', () => {
    const a = cipher.encrypt('01012345678');
    const b = cipher.encrypt('01012345678');
    expect(a).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(cipher.decrypt(a)).toBe('01012345678');
    expect(cipher.decrypt(b)).toBe('01012345678');
    expect(cipher.isLegacy(a)).toBe(false);
  });

  it('Detects tampering and refuses another key', () => {
    const value = cipher.encrypt('01012345678');
    const raw = Buffer.from(value.slice(3), 'base64url');
    raw[14] ^= 1;
    expect(() => cipher.decrypt(`v1:${raw.toString('base64url')}`)).toThrow(PhoneDecryptError);
    const other = createPhoneCipher({ encryptionKey: crypto.randomBytes(32), legacyKey: null });
    expect(() => other.decrypt(value)).toThrow(PhoneDecryptError);
    expect(() => cipher.decrypt('v2:abc')).toThrow(PhoneDecryptError);
  });

  it("Reads values the original wrote with DES (made by OpenSSL's own DES)", () => {
    for (const { plain, stored } of Object.values(LEGACY_VALUES)) {
      expect(cipher.isLegacy(stored)).toBe(true);
      expect(cipher.decrypt(stored)).toBe(plain);
    }
  });

  it('Refuses a legacy value without LEGACY_PHONE_KEY, or with a different one', () => {
    const none = createPhoneCipher({ encryptionKey: KEY, legacyKey: null });
    expect(() => none.decrypt(LEGACY_VALUES.dashed.stored)).toThrow(/LEGACY_PHONE_KEY/);
    const wrong = createPhoneCipher({ encryptionKey: KEY, legacyKey: 'another passphrase' });
    expect(() => wrong.decrypt(LEGACY_VALUES.dashed.stored)).toThrow(PhoneDecryptError);
  });

  it('Fingerprints numbers with a key: stable for one key, different for another', () => {
    const other = createPhoneCipher({ encryptionKey: crypto.randomBytes(32), legacyKey: null });
    expect(cipher.fingerprint('01012345678')).toBe(cipher.fingerprint('01012345678'));
    expect(cipher.fingerprint('01012345678')).not.toBe(cipher.fingerprint('01012345679'));
    expect(cipher.fingerprint('01012345678')).not.toBe(other.fingerprint('01012345678'));
    expect(cipher.fingerprint('01012345678')).not.toContain('01012345678');
  });
});

describe('legacy phone numbers in the database', () => {
  let ctx: TestContext;
  useTestContext(
    (c) => {
      ctx = c;
    },
    { config: (base) => ({ phone: { ...base.phone, legacyKey: LEGACY_PASSPHRASE } }) },
  );

  const phoneOf = async (user: User) => (await User.findByPk(user.userId))!.phone;
  const current = () => createPhoneCipher(ctx.config.phone);

  it('The settings form shows a legacy number decrypted, as verified', async () => {
    const user = await makeUser({ phone: LEGACY_VALUES.dashed.stored });
    const res = await request(ctx.app)
      .get('/auth/updateUser')
      .set(authHeaders(await signIn(ctx, user)));
    expect(res.body.data).toMatchObject({ phone: '010-1234-5678', certPhone: true });
    await User.update({ phone: null }, { where: { userId: user.userId } });
  });

  it('Re-encryption rewrites legacy values as AES-GCM digits, clears "null", leaves the rest; twice is harmless', async () => {
    const dashed = await makeUser({ phone: LEGACY_VALUES.dashed.stored });
    const digits = await makeUser({ phone: LEGACY_VALUES.digits.stored });
    const placeholder = await makeUser({ phone: 'null' });
    const unreadable = await makeUser({ phone: 'AAAAAAAAAAAAAAAAAAAAAA==' });
    const alreadyNew = current().encrypt('01011112222');
    const modern = await makeUser({ phone: alreadyNew });
    const progress: Array<[number, number]> = [];

    const report = await reencryptPhones(current(), {
      batchSize: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });

    expect(report.reencrypted).toBeGreaterThanOrEqual(2);
    expect(report.cleared).toBeGreaterThanOrEqual(1);
    expect(report.unreadable).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);

    const rewritten = (await phoneOf(dashed))!;
    expect(rewritten.startsWith('v1:')).toBe(true);
    expect(current().decrypt(rewritten)).toBe('01012345678');
    expect(current().decrypt((await phoneOf(digits))!)).toBe('01098765432');
    expect(await phoneOf(placeholder)).toBeNull();
    expect(await phoneOf(unreadable)).toBe('AAAAAAAAAAAAAAAAAAAAAA==');
    expect(await phoneOf(modern)).toBe(alreadyNew);

    const again = await reencryptPhones(current());
    expect(again.reencrypted).toBe(0);
    expect(again.cleared).toBe(0);
    expect(await phoneOf(dashed)).toBe(rewritten);

    await User.update({ phone: null }, { where: { userId: unreadable.userId } });
  });

  it('npm run phones:reencrypt reports progress on stderr and the counts on stdout', async () => {
    const user = await makeUser({ phone: LEGACY_VALUES.dashed.stored });
    const { stdout, stderr } = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join('src', 'cli', 'phones-reencrypt.ts')],
      { cwd: REPO_ROOT, env: { ...process.env, LEGACY_PHONE_KEY: LEGACY_PASSPHRASE } },
    );
    expect(stderr).toMatch(/^phone numbers [\d,]+\/[\d,]+$/m);
    expect(stdout).not.toMatch(/phone numbers/);
    expect(stdout).toMatch(
      /^done: [1-9]\d* re-encrypted, \d+ 'null' placeholders cleared, 0 unreadable/m,
    );
    expect(current().decrypt((await phoneOf(user))!)).toBe('01012345678');
  }, 180_000);

  it('The command refuses to start without LEGACY_PHONE_KEY while legacy values exist', async () => {
    const user = await makeUser({ phone: LEGACY_VALUES.digits.stored });
    const failure = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join('src', 'cli', 'phones-reencrypt.ts')],
      { cwd: REPO_ROOT, env: process.env },
    ).catch((err: { code: number; stderr: string }) => err);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/set LEGACY_PHONE_KEY/);
    expect(await phoneOf(user)).toBe(LEGACY_VALUES.digits.stored);
    await User.update({ phone: null }, { where: { userId: user.userId } });
  }, 180_000);
});
