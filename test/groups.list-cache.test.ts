import request from 'supertest';
import { Group } from '../src/db/models';
import { GROUP_LISTS } from '../src/groups/list-cache';
import { ReadCache } from '../src/lib/read-cache';
import { fromKst } from '../src/lib/time';
import type { KeyStore } from '../src/store/keystore';
import { authHeaders, createTestContext, signIn } from './support/context';
import { behindTheApp, changeNickname, useCalendarCacheContext } from './support/read-cache';
import {
  createFields,
  GUEST,
  type ListCard,
  makeGroup,
  member,
  postGroup,
  testCalendar,
  type Member,
} from './support/groups';

/**
 * The public lists (`/group/all`, `/group/main`) are cached per second and per generation
 * (src/groups/list-cache.ts). Each test first shows the cache is in use — a change written
 * behind the app's back is not seen within the second — and then that a change made through
 * the app is seen by the very next read, in the same second.
 */
const file = useCalendarCacheContext();

/** The first page of runs to come on the test's stretch of the calendar (region 8 only). */
async function page(headers: Record<string, string> = GUEST): Promise<ListCard[]> {
  const res = await request(file.ctx.app)
    .get('/group/all?date=&region=8&time=&distance=&finish=0&thema=&page=1&size=6')
    .set(headers);
  expect(res.status).toBe(200);
  return res.body.data as ListCard[];
}

const card = (cards: ListCard[], groupId: string) => cards.find((c) => c.groupId === groupId);

describe('group list cache', () => {
  let host: Member;
  let day: { today: string; at: (days: number) => string };
  let run: Group;

  beforeEach(async () => {
    day = file.calendar.window();
    host = await member(file.ctx);
    run = await makeGroup(host.user, { date: day.at(1), region: 8, title: '처음 제목' });
  });

  it('keeps a page for the rest of its second, and reads it again in the next one', async () => {
    expect(card(await page(), run.groupId)?.title).toBe('처음 제목');
    await behindTheApp(file.ctx, 'UPDATE `Groups` SET `title` = ? WHERE `groupId` = ?', [
      '몰래 바꾼 제목',
      run.groupId,
    ]);
    expect(card(await page(), run.groupId)?.title).toBe('처음 제목');

    file.ctx.clock.set(file.ctx.now());
    file.ctx.clock.advance(1);
    expect(card(await page(), run.groupId)?.title).toBe('몰래 바꾼 제목');
  });

  it('shows a run created through the API at once', async () => {
    await page();
    const res = await postGroup(
      file.ctx,
      host.headers,
      createFields(day.at(2), { location: '광주 서구 치평동' }),
    );
    expect(res.status).toBe(201);
    expect((await page()).map((c) => c.groupId)).toContain(res.body.groupId);
  });

  it('shows an edit and a deletion at once', async () => {
    await page();
    const edited = await request(file.ctx.app)
      .patch(`/group/${run.groupId}`)
      .set(host.headers)
      .field('title', '고친 제목');
    expect(edited.status).toBe(200);
    expect(card(await page(), run.groupId)?.title).toBe('고친 제목');

    const deleted = await request(file.ctx.app).delete(`/group/${run.groupId}`).set(host.headers);
    expect(deleted.status).toBe(200);
    expect(card(await page(), run.groupId)).toBeUndefined();
  });

  it('counts an application and its cancellation at once, applyState per viewer', async () => {
    const runner = await member(file.ctx);
    const other = await member(file.ctx);
    expect(card(await page(runner.headers), run.groupId)).toMatchObject({
      applyPeople: 1,
      applyState: false,
    });

    const applied = await request(file.ctx.app)
      .post(`/group/${run.groupId}/apply`)
      .set(runner.headers);
    expect(applied.status).toBe(200);
    expect(card(await page(runner.headers), run.groupId)).toMatchObject({
      applyPeople: 2,
      applyState: true,
    });
    // The cached rows are the guest's: nobody else sees the runner's application as theirs.
    expect(card(await page(other.headers), run.groupId)).toMatchObject({
      applyPeople: 2,
      applyState: false,
    });
    expect(card(await page(), run.groupId)?.applyState).toBe(false);

    const cancelled = await request(file.ctx.app)
      .post(`/group/${run.groupId}/apply`)
      .set(runner.headers);
    expect(cancelled.status).toBe(200);
    expect(card(await page(runner.headers), run.groupId)).toMatchObject({
      applyPeople: 1,
      applyState: false,
    });
  });

  it("shows the host's new nickname at once", async () => {
    await page();
    const res = await changeNickname(file.ctx, host.headers, host.user, '새닉네임');
    expect(res.status).toBe(200);
    expect(card(await page(), run.groupId)?.nickname).toBe('새닉네임');
  });

  it("drops a withdrawn host's runs at once", async () => {
    expect(card(await page(), run.groupId)).toBeDefined();
    const res = await request(file.ctx.app).delete('/user/delete').set(host.headers);
    expect(res.status).toBe(200);
    expect(card(await page(), run.groupId)).toBeUndefined();
  });

  it('drops a run at the second it starts, without any write', async () => {
    const start = fromKst(run.date, run.standbyTime).getTime();
    file.ctx.clock.set(start - 1000);
    expect(card(await page(), run.groupId)).toBeDefined();
    file.ctx.clock.set(start);
    expect(card(await page(), run.groupId)).toBeUndefined();
  });

  it('applies to /group/main too', async () => {
    // The main page lists the three runs starting soonest anywhere: the test's run is first on
    // its own stretch of the calendar.
    const main = async () =>
      (await request(file.ctx.app).get('/group/main').set(GUEST)).body.data as ListCard[];
    expect((await main())[0]).toMatchObject({ groupId: run.groupId, title: '처음 제목' });
    await behindTheApp(file.ctx, 'UPDATE `Groups` SET `title` = ? WHERE `groupId` = ?', [
      '몰래 바꾼 제목',
      run.groupId,
    ]);
    expect((await main())[0].title).toBe('처음 제목');
    await Group.update({ title: '앱이 바꾼 제목' }, { where: { groupId: run.groupId } });
    expect((await main())[0].title).toBe('앱이 바꾼 제목');
  });

  it('writes the countdown per request: it moves within a cached second', async () => {
    const start = fromKst(run.date, run.standbyTime).getTime();
    file.ctx.clock.set(start - 5 * 60_000);
    expect(card(await page(), run.groupId)).toMatchObject({ applyEndTime: '5 분' });
    await behindTheApp(file.ctx, 'UPDATE `Groups` SET `title` = ? WHERE `groupId` = ?', [
      '몰래 바꾼 제목',
      run.groupId,
    ]);
    // One millisecond later, in the same second: the cached card, its countdown recomputed.
    file.ctx.clock.set(start - 5 * 60_000 + 1);
    expect(card(await page(), run.groupId)).toMatchObject({
      title: '처음 제목',
      applyEndTime: '4 분',
    });
    file.ctx.clock.set(start - 5 * 60_000 + 999);
    expect(card(await page(), run.groupId)?.applyEndTime).toBe('4 분');
    file.ctx.clock.set(start - 5 * 60_000);
    expect(card(await page(), run.groupId)?.applyEndTime).toBe('5 분');
  });

  it('waits for the commit: a change inside a transaction is seen once it is committed', async () => {
    const transaction = await file.ctx.sequelize.transaction();
    await Group.update({ title: '커밋 전' }, { where: { groupId: run.groupId }, transaction });
    // Read while the write is not committed (SQLite lets this connection wait; MySQL reads
    // the committed row): the page holds the old title, as it should.
    if (file.ctx.sequelize.getDialect() === 'mysql') {
      expect(card(await page(), run.groupId)?.title).toBe('처음 제목');
    }
    await transaction.commit();
    expect(card(await page(), run.groupId)?.title).toBe('커밋 전');
  });
});

describe('ReadCache', () => {
  const now = new Date('2030-01-01T00:00:00Z');

  it("drops this process's pages when another process writes (the generation is shared)", async () => {
    const here = new ReadCache(file.ctx.store, file.ctx.logger, file.ctx.metrics, GROUP_LISTS);
    const elsewhere = new ReadCache(file.ctx.store, file.ctx.logger, file.ctx.metrics, GROUP_LISTS);
    const load = jest.fn(async () => ['rows']);
    await here.get('k', now, load);
    await here.get('k', now, load);
    expect(load).toHaveBeenCalledTimes(1);
    await elsewhere.invalidate();
    await here.get('k', now, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one read between concurrent misses and does not keep a failed one', async () => {
    const cache = new ReadCache(file.ctx.store, file.ctx.logger, file.ctx.metrics, GROUP_LISTS);
    let calls = 0;
    const slow = () =>
      new Promise<string[]>((resolve) => {
        calls += 1;
        setTimeout(() => resolve(['rows']), 20);
      });
    const results = await Promise.all([1, 2, 3].map(() => cache.get('shared', now, slow)));
    expect(results).toEqual([['rows'], ['rows'], ['rows']]);
    expect(calls).toBe(1);

    const failing = jest.fn(async (): Promise<string[]> => {
      throw new Error('database down');
    });
    await expect(cache.get('failing', now, failing)).rejects.toThrow('database down');
    await expect(cache.get('failing', now, failing)).rejects.toThrow('database down');
    expect(failing).toHaveBeenCalledTimes(2);
  });

  it('reads the database every time while the key store is down, and writes still succeed', async () => {
    const down = {
      ...file.ctx.store,
      get: () => Promise.reject(new Error('store down')),
      set: () => Promise.reject(new Error('store down')),
    } as unknown as KeyStore;
    const cache = new ReadCache(down, file.ctx.logger, file.ctx.metrics, GROUP_LISTS);
    const load = jest.fn(async () => ['rows']);
    await cache.get('k', now, load);
    await cache.get('k', now, load);
    expect(load).toHaveBeenCalledTimes(2);
    await expect(cache.invalidate()).resolves.toBeUndefined();
  });
});

describe('the cached JSON', () => {
  it('is byte for byte what an uncached read answers, for a guest and for an applicant', async () => {
    const uncached = await createTestContext({ cache: { groupLists: false, reads: true } });
    try {
      const { at } = file.calendar.window();
      const host = await member(file.ctx);
      const runner = await member(file.ctx);
      const runs = [
        await makeGroup(host.user, { date: at(1), region: 8, title: '따옴표 "와" \\ 역슬래시' }),
        await makeGroup(host.user, { date: at(2), region: 8, title: '둘째' }),
      ];
      const applied = await request(file.ctx.app)
        .post(`/group/${runs[1].groupId}/apply`)
        .set(runner.headers);
      expect(applied.status).toBe(200);
      const instant = fromKst(at(1), '05:30:00').getTime() + 123;
      file.ctx.clock.set(instant);
      uncached.clock.set(instant);
      // The same viewer signed in on each app (each has its own session store).
      const viewers = [
        [GUEST, GUEST],
        [runner.headers, authHeaders(await signIn(uncached, runner.user))],
      ];
      let second = 0;
      for (const url of [
        '/group/all?date=&region=8&time=&distance=&finish=0&thema=&page=1&size=6',
        '/group/main',
      ]) {
        for (const [here, there] of viewers) {
          // Other test files write runs meanwhile (`/group/main` is every region's): compare
          // only when the database answered the same before and after the cached read, each
          // attempt in a second of its own so the cache starts empty.
          for (let attempt = 1; ; attempt += 1) {
            second += 1;
            file.ctx.clock.set(instant + second * 1000);
            uncached.clock.set(instant + second * 1000);
            const before = await request(uncached.app).get(url).set(there);
            await request(file.ctx.app).get(url).set(here);
            const cached = await request(file.ctx.app).get(url).set(here);
            const after = await request(uncached.app).get(url).set(there);
            if (before.text !== after.text && attempt < 5) continue;
            expect(after.text).toBe(before.text);
            expect(cached.status).toBe(200);
            expect(cached.headers['content-type']).toBe(before.headers['content-type']);
            expect(cached.text).toBe(before.text);
            break;
          }
        }
      }
      const mine = await request(file.ctx.app)
        .get('/group/all?date=&region=8&time=&distance=&finish=0&thema=&page=1&size=6')
        .set(runner.headers);
      expect(card(mine.body.data as ListCard[], runs[1].groupId)?.applyState).toBe(true);
      expect(card(mine.body.data as ListCard[], runs[0].groupId)?.applyState).toBe(false);
    } finally {
      await uncached.close();
    }
  });
});

describe('GROUP_LIST_CACHE=false', () => {
  it('reads every page from the database', async () => {
    const uncached = await createTestContext({ cache: { groupLists: false, reads: true } });
    try {
      const own = testCalendar(uncached);
      const { at } = own.window();
      const host = await member(uncached);
      const run = await makeGroup(host.user, { date: at(1), region: 8, title: '처음 제목' });
      const list = async () =>
        (
          await request(uncached.app)
            .get('/group/all?date=&region=8&time=&distance=&finish=0&thema=&page=1&size=6')
            .set(GUEST)
        ).body.data as ListCard[];
      expect(card(await list(), run.groupId)?.title).toBe('처음 제목');
      await uncached.sequelize.query('UPDATE `Groups` SET `title` = ? WHERE `groupId` = ?', {
        replacements: ['몰래 바꾼 제목', run.groupId],
      });
      expect(card(await list(), run.groupId)?.title).toBe('몰래 바꾼 제목');
    } finally {
      await uncached.close();
    }
  });
});
