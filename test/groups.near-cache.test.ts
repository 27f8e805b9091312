import request from 'supertest';
import type { LatLng } from '../src/lib/route';
import { countQueries } from './support/comments';
import { destination as onSphere, ownCenter } from './support/geo';
import { behindTheApp, changeNickname, useCalendarCacheContext } from './support/read-cache';
import {
  apply,
  createFields,
  GUEST,
  type ListCard,
  makeGroup,
  member,
  postGroup,
  type Member,
} from './support/groups';

/**
 * Near-me pages (`/group/near`) are cached per second and per generation, by the exact query
 * (src/groups/near-cache.ts). Each test first shows the cache is in use — a change written
 * behind the app's back is not seen within the second — and then that a change made through
 * the app is seen by the very next read, in the same second, with each viewer's own
 * `applyState`.
 */
const file = useCalendarCacheContext();

function destination(from: LatLng, km: number, bearing: number): LatLng {
  const p = onSphere(from, km, bearing);
  return { lat: Number(p.lat.toFixed(6)), lng: Number(p.lng.toFixed(6)) };
}

const routeFrom = (start: LatLng) => JSON.stringify([start, start]);

async function near(center: LatLng, headers: Record<string, string> = GUEST): Promise<ListCard[]> {
  const res = await request(file.ctx.app)
    .get(`/group/near?lat=${center.lat}&lng=${center.lng}&page=1&size=10`)
    .set(headers);
  expect(res.status).toBe(200);
  return res.body.data as ListCard[];
}

const ids = (cards: ListCard[]) => cards.map((card) => card.groupId);

describe('near-me cache', () => {
  let host: Member;
  let center: LatLng;
  let day: { today: string; at: (days: number) => string };
  let firstId: string;

  beforeEach(async () => {
    day = file.calendar.window();
    host = await member(file.ctx);
    center = ownCenter();
    const run = await makeGroup(host.user, {
      date: day.at(2),
      title: '처음 제목',
      maxPeople: 3,
      mapLatLng: routeFrom(destination(center, 1, 90)),
    });
    firstId = run.groupId;
    // The clock stands still: every read of a test is in the same second.
    file.calendar.set(day.today, '12:00:00');
  });

  it('keeps a page for the rest of its second (a hit reads nothing for a guest, the applications for a member), and reads it again in the next one', async () => {
    const viewer = await member(file.ctx);
    expect((await near(center))[0].title).toBe('처음 제목');
    await behindTheApp(file.ctx, 'UPDATE `Groups` SET `title` = ? WHERE `groupId` = ?', [
      '몰래 바꾼 제목',
      firstId,
    ]);
    let seen: ListCard[] = [];
    expect(
      await countQueries(file.ctx.sequelize, async () => {
        seen = await near(center);
      }),
    ).toBe(0);
    expect(seen[0].title).toBe('처음 제목');
    expect(
      await countQueries(file.ctx.sequelize, async () => {
        seen = await near(center, viewer.headers);
      }),
    ).toBe(1);
    expect(seen[0]).toMatchObject({ title: '처음 제목', applyState: false });
    // Another query (another radius) is another entry, read from the database.
    const wider = await request(file.ctx.app)
      .get(`/group/near?lat=${center.lat}&lng=${center.lng}&radiusKm=6&page=1&size=10`)
      .set(GUEST);
    expect(wider.body.data[0].title).toBe('몰래 바꾼 제목');

    file.ctx.clock.advance(1);
    expect((await near(center))[0].title).toBe('몰래 바꾼 제목');
  });

  it('shows a new run, an edit, a moved start and a deletion at once', async () => {
    await near(center);
    const created = await postGroup(
      file.ctx,
      host.headers,
      createFields(day.at(3), { mapLatLng: routeFrom(destination(center, 0.5, 0)) }),
    );
    expect(created.status).toBe(201);
    const { groupId } = created.body as { groupId: string };
    expect(ids(await near(center))).toEqual([groupId, firstId]);

    const edited = await request(file.ctx.app)
      .patch(`/group/${firstId}`)
      .set(host.headers)
      .field('title', '고친 제목');
    expect(edited.status).toBe(200);
    expect((await near(center)).find((card) => card.groupId === firstId)?.title).toBe('고친 제목');

    const moved = await request(file.ctx.app)
      .patch(`/group/${groupId}`)
      .set(host.headers)
      .field('mapLatLng', routeFrom(destination(center, 3, 180)));
    expect(moved.status).toBe(200);
    const after = await near(center);
    expect(ids(after)).toEqual([firstId, groupId]);
    expect(after[1].distanceFromMe).toBe(3);

    const deleted = await request(file.ctx.app).delete(`/group/${firstId}`).set(host.headers);
    expect(deleted.status).toBe(200);
    expect(ids(await near(center))).toEqual([groupId]);
  });

  it('shows an application and its cancellation at once: the count for everyone, applyState per viewer', async () => {
    const runner = await member(file.ctx);
    const other = await member(file.ctx);
    expect((await near(center, runner.headers))[0]).toMatchObject({
      applyPeople: 1,
      applyState: false,
    });

    const applied = await request(file.ctx.app).post(`/group/${firstId}/apply`).set(runner.headers);
    expect(applied.status).toBe(200);
    expect((await near(center, runner.headers))[0]).toMatchObject({
      applyPeople: 2,
      applyState: true,
    });
    // The kept page is shared: nobody else gets the runner's applyState.
    for (const headers of [other.headers, GUEST]) {
      expect((await near(center, headers))[0]).toMatchObject({
        applyPeople: 2,
        applyState: false,
      });
    }
    expect((await near(center, host.headers))[0].applyState).toBe(true);

    const cancelled = await request(file.ctx.app)
      .post(`/group/${firstId}/apply`)
      .set(runner.headers);
    expect(cancelled.status).toBe(200);
    expect((await near(center, runner.headers))[0]).toMatchObject({
      applyPeople: 1,
      applyState: false,
    });
  });

  it("shows the host's new nickname at once, and a withdrawn host's runs leave the page", async () => {
    const runner = await member(file.ctx);
    await apply(firstId, runner.user);
    expect((await near(center))[0].nickname).toBe(host.user.nickname);
    const renamed = `새${host.user.userId.slice(0, 6)}`;
    const res = await changeNickname(file.ctx, host.headers, host.user, renamed);
    expect(res.status).toBe(200);
    expect((await near(center))[0].nickname).toBe(renamed);

    await request(file.ctx.app).delete('/user/delete').set(host.headers).expect(200);
    expect(await near(center, runner.headers)).toEqual([]);
  });

  it('leaves out a run at the second it starts, as without the cache', async () => {
    const soon = await makeGroup(host.user, {
      date: day.today,
      standbyTime: '12:00:01',
      mapLatLng: routeFrom(destination(center, 0.2, 0)),
    });
    expect(ids(await near(center))).toEqual([soon.groupId, firstId]);
    file.ctx.clock.advance(1);
    expect(ids(await near(center))).toEqual([firstId]);
  });
});
