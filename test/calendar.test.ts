import crypto from 'node:crypto';
import express from 'express';
import ICAL from 'ical.js';
import request from 'supertest';
import { CalendarFeed, Group, User } from '../src/db/models';
import { RATE_LIMIT_MESSAGES } from '../src/lib/rate-limit';
import { fromKst } from '../src/lib/time';
import { CALENDAR } from '../src/calendar/messages';
import { durationMinutes } from '../src/calendar/calendar.service';
import { feedRunsOnCalendar, runsOnCalendar } from '../src/calendar/calendar.queries';
import { hashOf } from '../src/calendar/secrets';
import { escapeText, foldLine } from '../src/calendar/ical';
import { createApp } from '../src/app';
import { countQueries } from './support/comments';
import { authHeaders, signIn, useTestContext, type TestContext } from './support/context';
import { GUEST, apply, makeGroup, member, testCalendar, type Member } from './support/groups';

let ctx: TestContext;
let calendar: ReturnType<typeof testCalendar>;

const FEED_LIMIT = 6;
const IP_LIMIT = 10;

useTestContext(
  (c) => {
    ctx = c;
    calendar = testCalendar(c);
  },
  {
    config: (base) => ({
      // Each test speaks from its own address (trusted on loopback only).
      http: { ...base.http, trustProxy: ['loopback'] },
      rateLimit: {
        ...base.rateLimit,
        calendar: { max: IP_LIMIT, feedMax: FEED_LIMIT, windowSeconds: 60 },
      },
    }),
  },
);

/** The ETag Express itself gives these bytes (what the feed answered before it kept its own). */
async function expressTagOf(text: string): Promise<string> {
  const plain = express().get('/', (_req, res) => {
    res.send(Buffer.from(text, 'utf8'));
  });
  return String((await request(plain).get('/').expect(200)).headers.etag);
}

const freshIp = () =>
  `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

/** The feed's path (`/calendar/<secret>.ics`) from the address the API gives out. */
const feedPath = (url: string) => new URL(url).pathname;

async function issue(who: Member): Promise<{ url: string; webcalUrl: string }> {
  const res = await request(ctx.app).get('/user/calendar').set(who.headers).expect(200);
  return res.body as { url: string; webcalUrl: string };
}

function fetchFeed(url: string, ip = freshIp()) {
  return request(ctx.app).get(feedPath(url)).set('X-Forwarded-For', ip);
}

interface ParsedEvent {
  uid: string;
  summary: string;
  location: string;
  description: string;
  start: Date;
  end: Date;
  startZone: string;
  sequence: number;
  lastModified: string;
}

/** The feed read by Mozilla's ical.js, with the feed's own VTIMEZONE registered. */
function parse(text: string): { calendar: ICAL.Component; events: Map<string, ParsedEvent> } {
  const root = new ICAL.Component(ICAL.parse(text));
  const vtimezone = root.getFirstSubcomponent('vtimezone');
  if (!vtimezone) throw new Error('no VTIMEZONE in the feed');
  ICAL.TimezoneService.register(vtimezone);
  const events = new Map<string, ParsedEvent>();
  for (const component of root.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(component);
    events.set(event.uid, {
      uid: event.uid,
      summary: event.summary,
      location: event.location,
      description: event.description,
      start: event.startDate.toJSDate(),
      end: event.endDate.toJSDate(),
      startZone: event.startDate.zone?.tzid ?? '',
      sequence: Number(component.getFirstPropertyValue('sequence')),
      lastModified: String(component.getFirstPropertyValue('last-modified')),
    });
  }
  return { calendar: root, events };
}

const uidOf = (group: Group) => `group-${group.groupId}@${new URL(ctx.config.publicUrl).hostname}`;

/** Moves a run's creation and last change back, as if it had been posted `hours` ago. */
async function backdate(group: Group, hours: number) {
  const then = new Date(Date.now() - hours * 3_600_000);
  await ctx.sequelize.query(
    'UPDATE `Groups` SET `createdAt` = ?, `updatedAt` = ? WHERE `groupId` = ?',
    { replacements: [then, then, group.groupId] },
  );
}

describe('GET /user/calendar', () => {
  it('Refuses a guest, and gives a signed-in user one private address that stays the same', async () => {
    const guest = await request(ctx.app).get('/user/calendar').set(GUEST);
    expect(guest.status).toBe(401);
    expect(guest.body.success).toBe(false);

    const runner = await member(ctx);
    const first = await issue(runner);
    expect(first.url).toMatch(
      new RegExp(`^${ctx.config.publicUrl}/calendar/[A-Za-z0-9_-]{43}\\.ics$`),
    );
    expect(first.webcalUrl).toBe(first.url.replace(/^https?:/, 'webcal:'));
    expect(await issue(runner)).toEqual(first);

    // Stored hashed: the row has the secret's SHA-256, and the secret itself nowhere.
    const secret = /\/calendar\/(.+)\.ics$/.exec(first.url)![1];
    const row = await CalendarFeed.findByPk(runner.user.userId, { raw: true });
    expect(row?.secretHash).toBe(crypto.createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);

    // Another user gets another address.
    expect((await issue(await member(ctx))).url).not.toBe(first.url);
  });

  it('Makes one address when the first two calls come at once', async () => {
    const runner = await member(ctx);
    const [a, b] = await Promise.all([issue(runner), issue(runner)]);
    expect(a.url).toBe(b.url);
    expect(await CalendarFeed.count({ where: { userId: runner.user.userId } })).toBe(1);
  });
});

describe('GET /calendar/<secret>.ics', () => {
  it('Serves the runs the user hosts or joined from 30 days back, in Korea time with its VTIMEZONE', async () => {
    const { at } = calendar.window();
    const runner = await member(ctx);
    const other = await member(ctx);
    const hosted = await makeGroup(runner.user, {
      date: at(3),
      standbyTime: '19:30:00',
      distance: 10,
      speed: `6'00" km/h`,
    });
    const joined = await makeGroup(other.user, { date: at(5), standbyTime: '06:00:00' });
    await apply(joined.groupId, runner.user);
    const recent = await makeGroup(other.user, { date: at(0), standbyTime: '07:00:00' });
    await apply(recent.groupId, runner.user);
    const notMine = await makeGroup(other.user, { date: at(4) });
    const { url } = await issue(runner);

    // 29 days later the run of day 0 is still on it; 31 days later it is gone.
    calendar.set(at(29), '12:00:00');
    const res = await fetchFeed(url).expect(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toMatch(/^private/);
    expect(res.headers.etag).toBeTruthy();
    const { calendar: root, events } = parse(res.text);
    expect([...events.keys()].sort()).toEqual([uidOf(hosted), uidOf(joined), uidOf(recent)].sort());
    expect(events.has(uidOf(notMine))).toBe(false);

    const vtimezone = root.getFirstSubcomponent('vtimezone')!;
    expect(vtimezone.getFirstPropertyValue('tzid')).toBe('Asia/Seoul');
    const standard = vtimezone.getFirstSubcomponent('standard')!;
    expect(String(standard.getFirstPropertyValue('tzoffsetto'))).toBe('+09:00');
    expect(vtimezone.getFirstSubcomponent('daylight')).toBeNull();

    const event = events.get(uidOf(hosted))!;
    expect(event.startZone).toBe('Asia/Seoul');
    expect(event.start.toISOString()).toBe(fromKst(at(3), '19:30:00').toISOString());
    // 10 km at 6 minutes a kilometre.
    expect(event.end.getTime() - event.start.getTime()).toBe(60 * 60_000);
    expect(res.text).toContain(`DTSTART;TZID=Asia/Seoul:${at(3).replace(/-/g, '')}T193000`);
    expect(event.summary).toBe(hosted.title);
    expect(event.location).toBe(hosted.location);
    expect(event.description).toContain('10km');
    expect(event.description).toContain(`https://www.erunjrun.com/groupdetail/${hosted.groupId}`);
    expect(events.get(uidOf(joined))!.start.toISOString()).toBe(
      fromKst(at(5), '06:00:00').toISOString(),
    );

    calendar.set(at(31), '12:00:00');
    const later = parse((await fetchFeed(url).expect(200)).text).events;
    expect([...later.keys()].sort()).toEqual([uidOf(hosted), uidOf(joined)].sort());
  });

  it('Reads a feed in one statement: its row and its runs, a feed without runs and an unknown address alike', async () => {
    const { at } = calendar.window();
    const runner = await member(ctx);
    const other = await member(ctx);
    const hosted = await makeGroup(runner.user, { date: at(3) });
    const joined = await makeGroup(other.user, { date: at(1) });
    await apply(joined.groupId, runner.user);
    const { url } = await issue(runner);
    const idle = await issue(await member(ctx));

    let res: request.Response | undefined;
    // Each address read for the first time: no cached feed answers it.
    expect(await countQueries(ctx.sequelize, async () => (res = await fetchFeed(url)))).toBe(1);
    expect(res!.status).toBe(200);
    expect([...parse(res!.text).events.keys()]).toEqual([uidOf(joined), uidOf(hosted)]);

    expect(await countQueries(ctx.sequelize, async () => (res = await fetchFeed(idle.url)))).toBe(
      1,
    );
    expect(res!.status).toBe(200);
    expect(parse(res!.text).events.size).toBe(0);
    expect(res!.text).toContain('BEGIN:VCALENDAR');

    const unknown = `/calendar/${crypto.randomBytes(32).toString('base64url')}.ics`;
    const lookup = () => request(ctx.app).get(unknown).set('X-Forwarded-For', freshIp());
    expect(await countQueries(ctx.sequelize, async () => (res = await lookup()))).toBe(1);
    expect(res!.status).toBe(404);
    expect(res!.body).toEqual({ success: false, message: CALENDAR.notFound });
  });

  it("Reads by the secret's hash the runs the owner's own read finds, in its order and limit", async () => {
    const { at } = calendar.window();
    const runner = await member(ctx);
    const other = await member(ctx);
    const mine = await makeGroup(runner.user, { date: at(2), standbyTime: '07:00:00' });
    // Hosted, so applied to as well (the host is its first applicant): one event.
    const joined = await makeGroup(other.user, { date: at(2), standbyTime: '06:00:00' });
    await apply(joined.groupId, runner.user);
    const later = await makeGroup(runner.user, { date: at(9) });
    await makeGroup(other.user, { date: at(1) });
    const { url } = await issue(runner);
    const secret = /\/calendar\/(.+)\.ics$/.exec(feedPath(url))![1];
    const from = at(0);

    const byOwner = await runsOnCalendar(ctx.sequelize, runner.user.userId, from, 10);
    expect(byOwner.map((run) => run.groupId)).toEqual([
      joined.groupId,
      mine.groupId,
      later.groupId,
    ]);
    expect(await feedRunsOnCalendar(ctx.sequelize, hashOf(secret), from, 10)).toEqual(byOwner);
    // The limit counts runs only (the feed's own row is not one of them).
    expect(await feedRunsOnCalendar(ctx.sequelize, hashOf(secret), from, 2)).toEqual(
      byOwner.slice(0, 2),
    );
    expect(await feedRunsOnCalendar(ctx.sequelize, hashOf(secret), at(30), 10)).toEqual([]);
    expect(await feedRunsOnCalendar(ctx.sequelize, hashOf('x'.repeat(43)), from, 10)).toBeNull();
  });

  it('Keeps Korean text, commas, semicolons, backslashes and line breaks intact, folding lines at 75 octets', async () => {
    const { at } = calendar.window();
    const runner = await member(ctx);
    const title =
      '한강, 야간; 러닝 \\ 같이 달려요 — 여의나루역 2번 출구에서 만나요 한강, 야간; 러닝 끝';
    const location = '서울 영등포구 여의도동 84-4, 여의나루역; 2번 출구\n물품보관함 앞';
    const group = await makeGroup(runner.user, { date: at(2), title, location });
    const { url } = await issue(runner);
    const res = await fetchFeed(url).expect(200);

    const event = parse(res.text).events.get(uidOf(group))!;
    expect(event.summary).toBe(title);
    expect(event.location).toBe(location);
    expect(res.text).toContain('한강\\, 야간\\; 러닝 \\\\');
    // Every line of at most 75 octets, ending in CRLF; each is valid UTF-8 on its own.
    expect(res.text.endsWith('\r\n')).toBe(true);
    const raw = Buffer.from(res.text, 'utf8');
    let folded = 0;
    for (const line of res.text.split('\r\n')) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      if (line.startsWith(' ')) folded += 1;
    }
    expect(folded).toBeGreaterThan(0);
    expect(raw.toString('utf8')).not.toContain('\uFFFD');
  });

  it('Follows an edit (same UID, higher SEQUENCE and LAST-MODIFIED), and drops deleted runs and cancelled applications', async () => {
    const { at } = calendar.window();
    const host = await member(ctx);
    const runner = await member(ctx);
    const edited = await makeGroup(host.user, { date: at(6), standbyTime: '08:00:00' });
    const deleted = await makeGroup(host.user, { date: at(7) });
    const cancelled = await makeGroup(host.user, { date: at(8) });
    await apply(edited.groupId, runner.user);
    await apply(deleted.groupId, runner.user);
    await apply(cancelled.groupId, runner.user);
    await backdate(edited, 2);
    const { url } = await issue(runner);
    const before = parse((await fetchFeed(url).expect(200)).text).events;
    expect(before.size).toBe(3);

    await request(ctx.app)
      .patch(`/group/${edited.groupId}`)
      .set(host.headers)
      .field('title', '장소가 바뀐 새벽 러닝')
      .field('standbyTime', '09:00')
      .expect(200);
    await request(ctx.app).delete(`/group/${deleted.groupId}`).set(host.headers).expect(200);
    const cancel = await request(ctx.app)
      .post(`/group/${cancelled.groupId}/apply`)
      .set(runner.headers)
      .expect(200);
    expect(cancel.body.data.applyState).toBe(false);

    const after = parse((await fetchFeed(url).expect(200)).text).events;
    expect([...after.keys()]).toEqual([uidOf(edited)]);
    const [old, now] = [before.get(uidOf(edited))!, after.get(uidOf(edited))!];
    expect(now.summary).toBe('장소가 바뀐 새벽 러닝');
    expect(now.start.toISOString()).toBe(fromKst(at(6), '09:00:00').toISOString());
    expect(now.sequence).toBeGreaterThan(old.sequence);
    expect(now.lastModified > old.lastModified).toBe(true);
  });

  it('Answers an unchanged feed with 304 to its ETag, later too, and a changed one with 200', async () => {
    const { at } = calendar.window();
    const runner = await member(ctx);
    const group = await makeGroup(runner.user, { date: at(1) });
    await backdate(group, 1);
    const { url } = await issue(runner);
    const ip = freshIp();
    const first = await fetchFeed(url, ip).expect(200);
    const etag = String(first.headers.etag);
    // The tag kept with the cached bytes is Express's own tag of them: a client's stays valid.
    expect(etag).toBe(await expressTagOf(first.text));
    // An hour later nothing changed: the same document, so the same ETag.
    ctx.clock.advance(3600);
    await fetchFeed(url, ip).set('If-None-Match', etag).expect(304);

    await request(ctx.app)
      .patch(`/group/${group.groupId}`)
      .set(runner.headers)
      .field('title', '제목을 바꾼 러닝')
      .expect(200);
    const changed = await fetchFeed(url, ip).set('If-None-Match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.headers.etag).toBe(await expressTagOf(changed.text));
    expect(parse(changed.text).events.get(uidOf(group))!.summary).toBe('제목을 바꾼 러닝');
  });

  it('Stops serving a revoked address, with the same 404 as an unknown or malformed one; the next GET issues a new one', async () => {
    const runner = await member(ctx);
    const { url } = await issue(runner);
    await fetchFeed(url).expect(200);

    const revoked = await request(ctx.app).delete('/user/calendar').set(runner.headers);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ success: true, revoked: true, message: CALENDAR.revoked });
    const gone = await fetchFeed(url).expect(404);
    const unknown = await request(ctx.app)
      .get(`/calendar/${crypto.randomBytes(32).toString('base64url')}.ics`)
      .set('X-Forwarded-For', freshIp())
      .expect(404);
    const malformed = await request(ctx.app)
      .get('/calendar/nope')
      .set('X-Forwarded-For', freshIp())
      .expect(404);
    expect(gone.body).toEqual({ success: false, message: CALENDAR.notFound });
    expect(unknown.body).toEqual(gone.body);
    expect(malformed.body).toEqual(gone.body);

    const again = await request(ctx.app).delete('/user/calendar').set(runner.headers);
    expect(again.body).toEqual({ success: true, revoked: false, message: CALENDAR.notIssued });
    const renewed = await issue(runner);
    expect(renewed.url).not.toBe(url);
    await fetchFeed(renewed.url).expect(200);
    await fetchFeed(url).expect(404);
  });

  it('After a new signing secret, an old address works until its owner asks again, which issues a new one', async () => {
    const runner = await member(ctx);
    const { url } = await issue(runner);
    // The same database and key store, restarted with another JWT_SECRET (which signs everyone out).
    const config = {
      ...ctx.config,
      jwt: { ...ctx.config.jwt, secret: crypto.randomBytes(32).toString('hex') },
    };
    const rotated = createApp({ ...ctx, config });
    const headers = authHeaders(await signIn({ ...ctx, config }, runner.user));
    const feed = (address: string) =>
      request(rotated).get(feedPath(address)).set('X-Forwarded-For', freshIp());

    await feed(url).expect(200);
    const renewed = (await request(rotated).get('/user/calendar').set(headers).expect(200))
      .body as {
      url: string;
    };
    expect(renewed.url).not.toBe(url);
    await feed(renewed.url).expect(200);
    await feed(url).expect(404);
    const again = await request(rotated).get('/user/calendar').set(headers).expect(200);
    expect(again.body.url).toBe(renewed.url);
  });

  it('Limits requests per feed from any address, and per address over any feed', async () => {
    const runner = await member(ctx);
    const { url } = await issue(runner);
    for (let i = 0; i < FEED_LIMIT; i += 1) await fetchFeed(url).expect(200);
    const limited = await fetchFeed(url);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ success: false, message: RATE_LIMIT_MESSAGES.calendarFeed });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another feed is not limited by this one's count.
    await fetchFeed((await issue(await member(ctx))).url).expect(200);

    // One address guessing: counted whatever the secret, and refused before any lookup.
    const ip = freshIp();
    for (let i = 0; i < IP_LIMIT; i += 1) {
      await request(ctx.app)
        .get(`/calendar/${crypto.randomBytes(32).toString('base64url')}.ics`)
        .set('X-Forwarded-For', ip)
        .expect(404);
    }
    const guessing = await request(ctx.app)
      .get(`/calendar/${crypto.randomBytes(32).toString('base64url')}.ics`)
      .set('X-Forwarded-For', ip);
    expect(guessing.status).toBe(429);
    expect(guessing.body.message).toBe(RATE_LIMIT_MESSAGES.calendar);
  });

  it('Goes with the account when the user withdraws', async () => {
    const runner = await member(ctx);
    const { url } = await issue(runner);
    await request(ctx.app).delete('/user/delete').set(runner.headers).expect(200);
    expect(await User.findByPk(runner.user.userId)).toBeNull();
    expect(await CalendarFeed.findByPk(runner.user.userId)).toBeNull();
    await fetchFeed(url).expect(404);
  });
});

describe('The iCalendar writer', () => {
  it('Escapes TEXT values as RFC 5545 says', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('Folds at 75 octets without splitting a Korean character, and unfolds to the same line', () => {
    const line = `SUMMARY:${'가'.repeat(60)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
      expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part);
    }
    // The first line holds 8 ASCII octets and 22 three-octet characters (74 octets).
    expect(Buffer.byteLength(parts[0])).toBe(74);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(foldLine('SHORT:ok')).toBe('SHORT:ok');
  });

  it('Folds mixed one- to four-octet characters (emoji) without splitting one, each line at most 75 octets', () => {
    const line = `DESCRIPTION:${'a가é🏃'.repeat(20)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(2);
    for (const [i, part] of parts.entries()) {
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
      // No lone surrogate: the part survives a UTF-8 round trip.
      expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part);
      // Each full line is filled: the next character would not have fitted.
      if (i < parts.length - 1) {
        const next = [...parts[i + 1].slice(1)][0];
        expect(Buffer.byteLength(part) + Buffer.byteLength(next)).toBeGreaterThan(75);
      }
    }
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(foldLine(`X:${'🏃'.repeat(18)}`)).toBe(`X:${'🏃'.repeat(18)}`);
  });

  it("Lasts the run's distance at its pace, in quarter hours from 30 minutes to 12 hours", () => {
    expect(durationMinutes(5.25, `5'30" km/h`)).toBe(30);
    expect(durationMinutes(10, `6'00" km/h`)).toBe(60);
    expect(durationMinutes(21.1, `5'00" km/h`)).toBe(120);
    expect(durationMinutes(10, 'unknown')).toBe(75);
    expect(durationMinutes(1000, `6'30" km/h`)).toBe(720);
    expect(durationMinutes(0, `4'00" km/h`)).toBe(30);
  });
});
