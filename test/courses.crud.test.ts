import request from 'supertest';
import { AUTH } from '../src/auth/messages';
import { Bookmark, Comment, Course, StarPoint, type User } from '../src/db/models';
import { COURSE } from '../src/courses/messages';
import { courseViewsOf } from '../src/courses/views';
import { authHeaders, signIn, useTestContext, type TestContext } from './support/context';
import {
  GUEST,
  courseForm,
  headersFor,
  mark,
  multipart,
  objectsOf,
  storedFiles,
} from './support/courses';
import { makeUser } from './support/users';

let ctx: TestContext;
let as: ReturnType<typeof headersFor>;
useTestContext(
  (c) => {
    ctx = c;
    as = headersFor(c);
  },
  { ownImageDir: true },
);

const api = () => request(ctx.app);
const imageBase = () => ctx.config.images.baseUrl;

async function create(author: User, fields = courseForm(), images = 1) {
  return multipart(
    api()
      .post('/course')
      .set(await as(author)),
    fields,
    images,
  );
}

async function createdCourse(author: User, images = 1, fields = courseForm()) {
  const res = await create(author, fields, images);
  expect(res.status).toBe(201);
  return (await Course.findByPk(res.body.data.courseId as string)) as Course;
}

const keysOf = (course: Course) =>
  [course.courseImageUrl1, course.courseImageUrl2, course.courseImageUrl3].filter(
    (k): k is string => k !== null,
  );

describe('POST /course', () => {
  it('stores the course with its photos and variants, the text totalTime and the region of the address', async () => {
    const author = await makeUser();
    const before = storedFiles(ctx.imageDir);
    const fields = courseForm();
    const res = await create(author, fields, 2);

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      message: '게시물 등록에 성공하였습니다',
      data: { courseId: expect.any(String) },
    });
    const course = (await Course.findByPk(res.body.data.courseId as string)) as Course;
    expect(course).toMatchObject({
      userId: author.userId,
      title: fields.title,
      content: fields.content,
      location: fields.location,
      distance: 15.25,
      totalTime: '1h 30min',
      parking: '주차장 있음',
      baggage: '보관 불가',
      thema: '강변',
      // 대전 belongs to region 5 (충청도/세종/대전); the original put it in 0.
      region: 5,
      clickCnt: 0,
      bookmarkCnt: 0,
      courseImageUrl3: null,
    });
    expect(JSON.parse(course.mapLatLng)).toEqual(JSON.parse(fields.mapLatLng));
    const added = storedFiles(ctx.imageDir).filter((f) => !before.includes(f));
    expect(added).toEqual(keysOf(course).flatMap(objectsOf).sort());
  });

  it('refuses a course without photos with the original message, multipart or JSON, and stores nothing', async () => {
    const author = await makeUser();
    const before = storedFiles(ctx.imageDir);
    const noPhoto = await create(author, courseForm(), 0);
    expect(noPhoto.status).toBe(400);
    expect(noPhoto.body).toEqual({
      success: false,
      message: '이미지는 최소 1개 이상 등록해주세요',
    });

    const json = await api()
      .post('/course')
      .set(await as(author))
      .send(courseForm());
    expect(json.status).toBe(400);
    expect(json.body.message).toBe('이미지는 최소 1개 이상 등록해주세요');
    expect(await Course.count({ where: { userId: author.userId } })).toBe(0);
    expect(storedFiles(ctx.imageDir)).toEqual(before);
  });

  it.each([
    ['an empty title', { title: '' }, '제목은 반드시 입력해주셔야 합니다'],
    ['a two-letter title', { title: '  ab ' }, '제목은 최소 3글자 이상이어야 합니다'],
    ['a 151-letter title', { title: '가'.repeat(151) }, COURSE.titleTooLong],
    ['an empty distance', { distance: '' }, '거리는 반드시 입력해주셔야 합니다'],
    ['a distance that is not a number', { distance: 'far' }, COURSE.distanceInvalid],
    ['a blank location', { location: ' ' }, '러닝장소는 반드시 입력해주셔야 합니다'],
    ['an empty route', { mapLatLng: '' }, '코스에 대한 정보는 반드시 입력해주셔야 합니다'],
    [
      'a route without points',
      { mapLatLng: '[]' },
      '코스에 대한 정보는 반드시 입력해주셔야 합니다',
    ],
    [
      'a route point without coordinates',
      { mapLatLng: '[{"lat":"x"}]' },
      '코스에 대한 정보는 반드시 입력해주셔야 합니다',
    ],
    ['an empty description', { content: '' }, '코스에 대한 설명은 반드시 입력해주셔야 합니다'],
    [
      'an empty totalTime',
      { totalTime: '' },
      '총 소요시간에 대한 설명은 반드시 입력해주셔야 합니다',
    ],
    ['an unknown theme', { thema: '바다' }, COURSE.themeMissing],
  ])('answers 400 for %s and stores no photo', async (_case, override, message) => {
    const author = await makeUser();
    const before = storedFiles(ctx.imageDir);
    const res = await create(author, courseForm(override), 1);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message });
    expect(storedFiles(ctx.imageDir)).toEqual(before);
  });

  it('refuses a field sent twice with that field’s message', async () => {
    const author = await makeUser();
    const res = await multipart(
      api()
        .post('/course')
        .set(await as(author)),
      { ...courseForm(), distance: ['3.2', '4.5'] },
      1,
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('거리는 반드시 입력해주셔야 합니다');
  });

  it('reports the first bad field in the original order (title before distance before the photos)', async () => {
    const author = await makeUser();
    const res = await create(author, courseForm({ title: '', distance: '' }), 0);
    expect(res.body.message).toBe('제목은 반드시 입력해주셔야 합니다');
    const next = await create(author, courseForm({ distance: '' }), 0);
    expect(next.body.message).toBe('거리는 반드시 입력해주셔야 합니다');
  });

  it('needs a signed-in user (401) and refuses a fourth photo (400)', async () => {
    const guest = await multipart(api().post('/course').set(GUEST), courseForm(), 1);
    expect(guest.status).toBe(401);
    expect(guest.body.message).toBe(AUTH.tokenInvalid);

    const author = await makeUser();
    const four = await create(author, courseForm(), 4);
    expect(four.status).toBe(400);
    expect(four.body.message).toBe('이미지는 최대 3개까지 등록할 수 있습니다.');
  });
});

describe('GET /course/detail/:courseId', () => {
  it('answers the contract fields: author under user, the route as an array, 758 px slides, the viewer bookmark', async () => {
    const author = await makeUser({ userLevel: '블루', mannerPoint: 61.5 });
    const course = await createdCourse(author, 2);
    const viewer = await makeUser();
    await mark(ctx, course, { bookmarkedBy: [viewer] });

    const res = await api()
      .get(`/course/detail/${course.courseId}`)
      .set(await as(viewer));
    expect(res.status).toBe(200);
    const [key1, key2] = keysOf(course);
    expect(res.body).toEqual({
      success: true,
      data: {
        courseId: course.courseId,
        title: course.title,
        content: course.content,
        location: '대전 동구 신하동 123-4',
        distance: 15.25,
        totalTime: '1h 30min',
        courseImageUrl1: `${imageBase()}/w_758/${key1}`,
        courseImageUrl2: `${imageBase()}/w_758/${key2}`,
        courseImageUrl3: null,
        mapLatLng: [
          { lat: 36.35, lng: 127.45 },
          { lat: 36.36, lng: 127.46 },
        ],
        parking: '주차장 있음',
        baggage: '보관 불가',
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        clickCnt: 1,
        thema: '강변',
        user: {
          userId: author.userId,
          nickname: author.nickname,
          profileUrl: author.profileUrl,
          userLevel: '블루',
          mannerPoint: 61.5,
        },
        bookmark: true,
      },
    });

    // The flag is the viewer's: the author did not bookmark, a guest never has. The author's own
    // view is not counted, the guest's is.
    const byAuthor = await api()
      .get(`/course/detail/${course.courseId}`)
      .set(await as(author));
    expect(byAuthor.body.data.bookmark).toBe(false);
    const byGuest = await api().get(`/course/detail/${course.courseId}`).set(GUEST);
    expect(byGuest.body.data.bookmark).toBe(false);
    expect(byAuthor.body.data.clickCnt).toBe(1);
    expect(byGuest.body.data.clickCnt).toBe(2);
  });

  it('counts a guest once per window, however often and however concurrently they look, without touching updatedAt', async () => {
    const course = await createdCourse(await makeUser());
    const before = (await Course.findByPk(course.courseId)) as Course;
    const view = () => api().get(`/course/detail/${course.courseId}`).set(GUEST);
    const concurrent = await Promise.all(Array.from({ length: 5 }, view));
    expect(concurrent.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await view()).body.data.clickCnt).toBe(1);
    await courseViewsOf(ctx).flush();
    const after = (await Course.findByPk(course.courseId)) as Course;
    expect(after.clickCnt).toBe(1);
    expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());
  });

  it('counts each signed-in viewer once, and never the author', async () => {
    const author = await makeUser();
    const course = await createdCourse(author);
    const [first, second] = [await makeUser(), await makeUser()];
    for (const user of [first, second, first, second, author, author]) {
      const res = await api()
        .get(`/course/detail/${course.courseId}`)
        .set(await as(user));
      expect(res.status).toBe(200);
    }
    await courseViewsOf(ctx).flush();
    expect(((await Course.findByPk(course.courseId)) as Course).clickCnt).toBe(2);
  });

  it('counts the same viewer again once the window has passed', async () => {
    const course = await createdCourse(await makeUser());
    const viewer = await makeUser();
    // Signed in at each view, so the session is valid by the moved clock too.
    const view = async () =>
      (
        await api()
          .get(`/course/detail/${course.courseId}`)
          .set(authHeaders(await signIn(ctx, viewer)))
      ).body.data.clickCnt;
    const start = Date.now();
    const windowMs = ctx.config.courses.viewWindowSeconds * 1000;
    try {
      ctx.clock.set(start);
      expect(await view()).toBe(1);
      expect(await view()).toBe(1);
      ctx.clock.set(start + windowMs);
      expect(await view()).toBe(2);
      expect(await view()).toBe(2);
    } finally {
      ctx.clock.reset();
    }
  });

  it('answers the detail without counting the view while the key store fails', async () => {
    const course = await createdCourse(await makeUser());
    const failing = jest
      .spyOn(ctx.store, 'setIfAbsent')
      .mockRejectedValue(new Error('key store unavailable'));
    try {
      const res = await api().get(`/course/detail/${course.courseId}`).set(GUEST);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ courseId: course.courseId, clickCnt: 0 });
    } finally {
      failing.mockRestore();
    }
    await courseViewsOf(ctx).flush();
    expect(((await Course.findByPk(course.courseId)) as Course).clickCnt).toBe(0);
  });

  it('answers 404 with the original message for an unknown course', async () => {
    const res = await api().get('/course/detail/no-such-course').set(GUEST);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      success: false,
      message: '코스추천 게시글 불러오기를 실패하였습니다',
    });
  });
});

describe('PATCH /course/:courseId', () => {
  it('lets the author keep a photo by its URL, add one, move the route and the address; the dropped photo is deleted', async () => {
    const author = await makeUser();
    const course = await createdCourse(author, 2);
    const [kept, dropped] = keysOf(course);
    const detail = await api().get(`/course/detail/${course.courseId}`).set(GUEST);
    const keptUrl = detail.body.data.courseImageUrl1 as string;
    const before = storedFiles(ctx.imageDir);

    const route = [{ lat: 37.5, lng: 127.0 }];
    const res = await multipart(
      api()
        .patch(`/course/${course.courseId}`)
        .set(await as(author)),
      {
        title: '바뀐 제목',
        location: '서울 강남구 역삼동 1',
        mapLatLng: JSON.stringify(route),
        courseImageUrl: keptUrl,
      },
      1,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: '게시물 수정에 성공했습니다' });

    const after = (await Course.findByPk(course.courseId)) as Course;
    const added = keysOf(after)[1];
    expect(keysOf(after)).toEqual([kept, added]);
    expect(after).toMatchObject({
      title: '바뀐 제목',
      location: '서울 강남구 역삼동 1',
      region: 1,
      content: course.content,
      totalTime: course.totalTime,
    });
    expect(JSON.parse(after.mapLatLng)).toEqual(route);
    // The dropped photo is deleted after the answer.
    await ctx.images.settled();
    const now = storedFiles(ctx.imageDir);
    expect(now.filter((f) => !before.includes(f))).toEqual(objectsOf(added).sort());
    expect(before.filter((f) => !now.includes(f))).toEqual(objectsOf(dropped).sort());
  });

  it('keeps the photos when the edit says nothing about them (a JSON edit)', async () => {
    const author = await makeUser();
    const course = await createdCourse(author, 2);
    const res = await api()
      .patch(`/course/${course.courseId}`)
      .set(await as(author))
      .send({ content: '새 설명', parking: '' });
    expect(res.status).toBe(200);
    const after = (await Course.findByPk(course.courseId)) as Course;
    expect(keysOf(after)).toEqual(keysOf(course));
    expect([after.content, after.parking, after.title]).toEqual(['새 설명', '', course.title]);
  });

  it('refuses an edit that keeps no photo, and a bad field, storing nothing', async () => {
    const author = await makeUser();
    const course = await createdCourse(author);
    const before = storedFiles(ctx.imageDir);
    const none = await api()
      .patch(`/course/${course.courseId}`)
      .set(await as(author))
      .send({ courseImageUrl: '' });
    expect(none.status).toBe(400);
    expect(none.body.message).toBe('이미지는 최소 1개 이상 등록해주세요');

    const bad = await multipart(
      api()
        .patch(`/course/${course.courseId}`)
        .set(await as(author)),
      { title: 'ab' },
      1,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('제목은 최소 3글자 이상이어야 합니다');
    expect(storedFiles(ctx.imageDir)).toEqual(before);
    expect(keysOf((await Course.findByPk(course.courseId)) as Course)).toEqual(keysOf(course));
  });

  it('is for the author only: 403 for others (nothing stored), 404 for an unknown course', async () => {
    const course = await createdCourse(await makeUser());
    const before = storedFiles(ctx.imageDir);
    const other = await multipart(
      api()
        .patch(`/course/${course.courseId}`)
        .set(await as(await makeUser())),
      { title: '남의 코스' },
      1,
    );
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ success: false, message: '게시물은 본인만 수정할 수 있습니다' });
    expect(storedFiles(ctx.imageDir)).toEqual(before);
    expect(((await Course.findByPk(course.courseId)) as Course).title).toBe(course.title);

    const missing = await api()
      .patch('/course/no-such-course')
      .set(await as(await makeUser()))
      .send({ title: '없는 코스' });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('해당 게시물이 존재하지 않습니다');
  });
});

describe('DELETE /course/:courseId', () => {
  it('is for the author only; it removes the photos, bookmarks, ratings and comments', async () => {
    const author = await makeUser();
    const [fan, critic] = [await makeUser(), await makeUser()];
    const course = await createdCourse(author, 3);
    await mark(ctx, course, {
      ratings: [[fan, 5]],
      bookmarkedBy: [fan, critic],
      comments: [critic],
    });

    const other = await api()
      .delete(`/course/${course.courseId}`)
      .set(await as(fan));
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ success: false, message: '게시물은 본인만 삭제할 수 있습니다' });

    const res = await api()
      .delete(`/course/${course.courseId}`)
      .set(await as(author));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: '게시물 삭제에 성공하였습니다' });
    const where = { courseId: course.courseId };
    expect(await Course.count({ where })).toBe(0);
    expect(await Bookmark.count({ where })).toBe(0);
    expect(await StarPoint.count({ where })).toBe(0);
    expect(await Comment.count({ where })).toBe(0);
    await ctx.images.settled(); // the photos go after the answer
    const left = storedFiles(ctx.imageDir);
    for (const key of keysOf(course)) {
      for (const file of objectsOf(key)) expect(left).not.toContain(file);
    }

    const again = await api()
      .delete(`/course/${course.courseId}`)
      .set(await as(author));
    expect(again.status).toBe(404);
    expect(again.body.message).toBe('해당 게시물이 존재하지 않습니다');
  });
});

describe('Unexpected failures', () => {
  it('answer 500 with the endpoint’s original message, typo included, and nothing else', async () => {
    const course = await createdCourse(await makeUser());
    const spy = jest.spyOn(Course, 'findByPk').mockRejectedValueOnce(new Error('disk on fire'));
    try {
      const res = await api().get(`/course/${course.courseId}/starPoint`).set(GUEST);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ success: false, message: '평점 불러오기에에 실패했습니다' });
    } finally {
      spy.mockRestore();
    }
  });

  it('leave unknown list categories to the 404 handler', async () => {
    const res = await api().get('/course/popular').set(GUEST);
    expect(res.status).toBe(404);
    expect(res.body.success).toBe(false);
  });
});
