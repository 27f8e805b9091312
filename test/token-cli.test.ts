import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { UsageError } from '../src/cli/args';
import { parseTokenArgs } from '../src/cli/token';
import { AUTH } from '../src/auth/messages';
import { User } from '../src/db/models';
import { authHeaders, useTestContext, uniqueSuffix, type TestContext } from './support/context';
import { REPO_ROOT } from './support/test-env';

const run = promisify(execFile);

// Each command compiles its imports with ts-node: slow on a busy two-core machine.
jest.setTimeout(180_000);

let ctx: TestContext;
useTestContext((c) => {
  ctx = c;
});

/** Runs the token command from source with this test run's configuration. */
async function tokenCommand(...args: string[]) {
  const { stdout } = await run(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join('src', 'cli', 'token.ts'), ...args],
    { cwd: REPO_ROOT, env: process.env },
  );
  return stdout;
}

describe('token command', () => {
  it('creates the user once and prints one JSON line whose tokens work against the app', async () => {
    const nickname = `cli${uniqueSuffix()}`;
    const stdout = await tokenCommand(nickname);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(Object.keys(out)).toEqual(['userId', 'nickname', 'token', 'refreshToken']);
    expect(out.nickname).toBe(nickname);

    const res = await request(ctx.app).get('/user/auth').set(authHeaders(out));
    expect(res.status).toBe(200);
    expect(res.body.userId).toBe(out.userId);

    const again = JSON.parse(await tokenCommand(nickname));
    expect(again.userId).toBe(out.userId);
    expect(await User.count({ where: { nickname } })).toBe(1);
  });

  it('honours --expires-in, and the refresh token renews the short-lived access token', async () => {
    const out = JSON.parse(await tokenCommand(`cli${uniqueSuffix()}`, '--expires-in', '1'));
    ctx.clock.advance(5);
    try {
      const res = await request(ctx.app).get('/user/auth').set(authHeaders(out));
      expect(res.status).toBe(401);
      expect(typeof res.body.token).toBe('string');
    } finally {
      ctx.clock.reset();
    }
  });

  it("lists its session with the user's others, so withdrawal ends it too", async () => {
    const out = JSON.parse(await tokenCommand(`cli${uniqueSuffix()}`));
    const withdraw = await request(ctx.app).delete('/user/delete').set(authHeaders(out));
    expect(withdraw.status).toBe(200);
    ctx.clock.advance(ctx.config.jwt.accessTtlSeconds + 5);
    try {
      const res = await request(ctx.app).get('/user/auth').set(authHeaders(out));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ success: false, message: AUTH.refreshUnknown });
    } finally {
      ctx.clock.reset();
    }
  });

  it('rejects bad arguments with a one-line reason', () => {
    expect(() => parseTokenArgs([])).toThrow(new UsageError('missing <nickname>'));
    expect(() => parseTokenArgs(['a', 'b'])).toThrow(new UsageError('unexpected argument b'));
    expect(() => parseTokenArgs(['a', '--expires-in', 'soon'])).toThrow(/--expires-in/);
    expect(() => parseTokenArgs(['a', '--expires-in', '0'])).toThrow(/--expires-in/);
    expect(() => parseTokenArgs(['a', '--expires-in'])).toThrow(
      new UsageError('--expires-in needs a value'),
    );
    expect(() => parseTokenArgs(['a', '--admin'])).toThrow(
      new UsageError('unknown option --admin'),
    );
    expect(() => parseTokenArgs([' '])).toThrow(UsageError);
    expect(parseTokenArgs(['러너', '--expires-in=60'])).toEqual({
      nickname: '러너',
      expiresIn: 60,
    });
    expect(parseTokenArgs(['러너'])).toEqual({ nickname: '러너', expiresIn: undefined });
  });
});
