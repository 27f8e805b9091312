import fs from 'node:fs';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import request from 'supertest';
import { validateXML } from 'xmllint-wasm';
import { COURSE } from '../src/courses/messages';
import { GROUP } from '../src/groups/messages';
import { ROUTE_UNREADABLE } from '../src/lib/gpx';
import type { LatLng } from '../src/lib/route';
import { useTestContext, type TestContext } from './support/context';
import { makeCourse } from './support/courses';
import { download } from './support/gpx';
import { GUEST, makeGroup, member } from './support/groups';
import { makeUser } from './support/users';

let ctx: TestContext;
useTestContext((c) => {
  ctx = c;
});

const GPX_NS = 'http://www.topografix.com/GPX/1/1';
/** The published GPX 1.1 schema (see the header of the file for its origin). */
const XSD = fs.readFileSync(path.join(__dirname, 'fixtures', 'gpx-1.1.xsd'), 'utf8');

/** What xmllint (libxml2, as WebAssembly) says of the document against the GPX 1.1 schema. */
async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: { fileName: 'route.gpx', contents: xml },
    schema: { fileName: 'gpx.xsd', contents: XSD },
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

/** The document read back with a DOM parser: names, time and the track's points in order. */
function readBack(xml: string) {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') errors.push(message);
    },
  }).parseFromString(xml, 'application/xml');
  expect(errors).toEqual([]);
  const root = doc.documentElement as Element;
  const one = (parent: Element, name: string) => {
    const found = Array.from(parent.getElementsByTagNameNS(GPX_NS, name));
    return found.filter((e) => e.parentNode === parent);
  };
  const [metadata] = one(root, 'metadata');
  const [trk] = one(root, 'trk');
  const segments = one(trk, 'trkseg');
  return {
    root: {
      name: root.localName,
      namespace: root.namespaceURI,
      version: root.getAttribute('version'),
      creator: root.getAttribute('creator'),
    },
    metadataName: one(metadata, 'name')[0].textContent,
    time: one(metadata, 'time')[0].textContent,
    tracks: one(root, 'trk').length,
    trackName: one(trk, 'name')[0].textContent,
    segments: segments.length,
    points: one(segments[0], 'trkpt').map((p) => ({
      lat: Number(p.getAttribute('lat')),
      lng: Number(p.getAttribute('lon')),
    })),
  };
}

/** RFC 6266: the ASCII `filename` and the UTF-8 `filename*` of a Content-Disposition. */
function fileNames(header: string) {
  const ascii = /filename="([^"]*)"/.exec(header)?.[1];
  const utf8 = /filename\*=UTF-8''([^;\s]+)/.exec(header)?.[1];
  return { ascii, utf8: utf8 === undefined ? undefined : decodeURIComponent(utf8) };
}

const ROUTE: LatLng[] = [
  { lat: 37.5271, lng: 126.9326 },
  { lat: 37.52805, lng: 126.934011 },
  { lat: 37.5291, lng: 126.93 },
  { lat: 37.5271, lng: 126.9326 },
];

const get = (url: string, headers?: Record<string, string>) => download(ctx.app, url, headers);

describe('GET /group/:groupId/route.gpx', () => {
  test('Answers the run’s route as a GPX 1.1 download that validates against the schema, with its points in order and its Korean title', async () => {
    const host = await makeUser();
    const title = '한강 야간 러닝 <초보> & "친구" \'환영\'';
    const group = await makeGroup(host, { title, mapLatLng: JSON.stringify(ROUTE) });
    const at = new Date('2026-12-03T08:30:00.000Z');
    ctx.clock.set(at);

    const res = await get(`/group/${group.groupId}/route.gpx`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/gpx\+xml(;|$)/);
    const xml = res.body as string;
    expect(await schemaErrors(xml)).toEqual([]);
    expect(xml).toContain('&lt;초보&gt; &amp; &quot;친구&quot; &apos;환영&apos;');

    expect(readBack(xml)).toEqual({
      root: { name: 'gpx', namespace: GPX_NS, version: '1.1', creator: 'ErunJrun' },
      metadataName: title,
      time: at.toISOString(),
      tracks: 1,
      trackName: title,
      segments: 1,
      points: ROUTE,
    });

    const disposition = res.headers['content-disposition'] as string;
    expect(disposition).toMatch(/^attachment;/);
    const names = fileNames(disposition);
    expect(names.ascii).toBe(`group-${group.groupId}.gpx`);
    expect(names.ascii).toMatch(/^[\x20-\x7e]+$/);
    expect(names.utf8).toBe(`${title}.gpx`);
  });

  test('A signed-in viewer gets the same file as a guest', async () => {
    const viewer = await member(ctx);
    const group = await makeGroup(viewer.user, { mapLatLng: JSON.stringify(ROUTE) });
    const guest = await get(`/group/${group.groupId}/route.gpx`);
    const signedIn = await get(`/group/${group.groupId}/route.gpx`, viewer.headers);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toBe(guest.body);
  });

  test('Control characters, slashes and non-XML characters in a title neither break the XML nor the file name', async () => {
    const host = await makeUser();
    const title = 'a/b\\c\u0001d\u0007 러닝\uFFFE';
    const group = await makeGroup(host, { title, mapLatLng: JSON.stringify(ROUTE) });
    const res = await get(`/group/${group.groupId}/route.gpx`);
    expect(res.status).toBe(200);
    expect(await schemaErrors(res.body as string)).toEqual([]);
    expect(readBack(res.body as string).trackName).toBe('a/b\\cd 러닝');
    expect(fileNames(res.headers['content-disposition'] as string).utf8).toBe(
      'a b c d  러닝\uFFFE.gpx',
    );
  });

  test('Points at the edges of the map (the 180° meridian, the poles, tiny values) are written as the schema allows', async () => {
    const host = await makeUser();
    const edges = [
      { lat: 90, lng: 180 },
      { lat: -90, lng: -180 },
      { lat: 1e-7, lng: -2.5e-9 },
      { lat: -0, lng: 0 },
    ];
    const group = await makeGroup(host, { mapLatLng: JSON.stringify(edges) });
    const res = await get(`/group/${group.groupId}/route.gpx`);
    expect(res.status).toBe(200);
    expect(await schemaErrors(res.body as string)).toEqual([]);
    expect(readBack(res.body as string).points).toEqual([
      { lat: 90, lng: -180 },
      { lat: -90, lng: -180 },
      { lat: 1e-7, lng: -2.5e-9 },
      { lat: 0, lng: 0 },
    ]);
  });

  test.each([
    ['not JSON', 'undefined'],
    ['an empty list', '[]'],
    ['points with text coordinates', '[{"lat":"37.5","lng":127}]'],
    ['a point off the globe', '[{"lat":91,"lng":127}]'],
  ])(
    'A stored route that is %s answers 422 with a Korean message, not a 500',
    async (_, stored) => {
      const host = await makeUser();
      const group = await makeGroup(host, { mapLatLng: stored });
      const res = await request(ctx.app).get(`/group/${group.groupId}/route.gpx`).set(GUEST);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ success: false, message: ROUTE_UNREADABLE });
    },
  );

  test('An unknown run answers 404 like its detail page', async () => {
    const res = await request(ctx.app).get('/group/no-such-run/route.gpx').set(GUEST);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, message: GROUP.notFound });
  });
});

describe('GET /course/:courseId/route.gpx', () => {
  test('Answers the course’s route as a GPX 1.1 download that validates against the schema', async () => {
    const author = await makeUser();
    const title = '제주 애월 해안 코스 & 노을';
    const course = await makeCourse(author, { title, mapLatLng: JSON.stringify(ROUTE) });
    const res = await get(`/course/${course.courseId}/route.gpx`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/gpx\+xml(;|$)/);
    expect(await schemaErrors(res.body as string)).toEqual([]);
    const back = readBack(res.body as string);
    expect([back.metadataName, back.trackName, back.points]).toEqual([title, title, ROUTE]);
    const names = fileNames(res.headers['content-disposition'] as string);
    expect(names).toEqual({ ascii: `course-${course.courseId}.gpx`, utf8: `${title}.gpx` });
  });

  test('Downloading the route does not count as a view of the course', async () => {
    const author = await makeUser();
    const course = await makeCourse(author, { mapLatLng: JSON.stringify(ROUTE) });
    await get(`/course/${course.courseId}/route.gpx`);
    await course.reload();
    expect(course.clickCnt).toBe(0);
  });

  test('A course whose stored route cannot be read answers 422; an unknown course 404', async () => {
    const author = await makeUser();
    const course = await makeCourse(author, { mapLatLng: '[]' });
    const broken = await request(ctx.app).get(`/course/${course.courseId}/route.gpx`).set(GUEST);
    expect(broken.status).toBe(422);
    expect(broken.body).toEqual({ success: false, message: ROUTE_UNREADABLE });
    const unknown = await request(ctx.app).get('/course/no-such-course/route.gpx').set(GUEST);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ success: false, message: COURSE.notFound });
  });

  test('The schema check itself rejects a document that breaks GPX 1.1', async () => {
    const bad = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<gpx version="1.1" creator="x" xmlns="${GPX_NS}">`,
      '<trk><trkseg><trkpt lat="91" lon="180"/></trkseg><name>late</name></trk>',
      '</gpx>',
    ].join('\n');
    expect((await schemaErrors(bad)).length).toBeGreaterThan(0);
  });
});
