import sharp from 'sharp';
import { Op } from 'sequelize';
import type { AppContext } from '../src/lib/context';
import { Course, User } from '../src/db/models';
import { prepareImage } from '../src/uploads/processing';
import { DEFAULT_PROFILE_REF } from '../src/uploads';
import { SEED_SOCIAL } from './demo';

/** Course photos stand in as a theme-coloured landscape, so the demo shows no broken image. */
const THEME_COLOURS: Record<string, [string, string]> = {
  산: ['#dfe9d8', '#5d7d4f'],
  도시: ['#dde5f0', '#56677e'],
  강변: ['#e3eef2', '#4f8fa8'],
  해변: ['#f3ecd9', '#3f97c4'],
  공원: ['#e6f0dc', '#5c9a4e'],
  트랙: ['#f1e3dc', '#c0553c'],
};

const PLACEHOLDER_KEY = /^seed-course-\d+\.png$/;

function landscape(theme: string, seed: number): Buffer {
  const [sky, ground] = THEME_COLOURS[theme] ?? ['#eeeeee', '#888888'];
  const ridge = 300 + (seed % 5) * 40;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">
    <rect width="1200" height="900" fill="${sky}"/>
    <path d="M0 ${ridge} C 300 ${ridge - 120}, 700 ${ridge + 140}, 1200 ${ridge - 40} L1200 900 L0 900 Z" fill="${ground}"/>
    <path d="M0 ${ridge + 260} C 400 ${ridge + 180}, 800 ${ridge + 330}, 1200 ${ridge + 250}" stroke="#ffffff" stroke-width="14" fill="none" stroke-dasharray="40 28"/>
  </svg>`;
  return Buffer.from(svg);
}

/**
 * Gives the demo real images: each seed course's placeholder key becomes a stored image (with
 * its w_384/w_758 variants) and seed users get the app's default avatar. Only rows still holding
 * placeholders are touched, so running it again does nothing.
 */
export async function storeDemoImages(
  ctx: Pick<AppContext, 'images'>,
  log: (line: string) => void,
): Promise<number> {
  const courses = await Course.findAll({
    attributes: ['courseId', 'thema', 'courseImageUrl1'],
    include: [{ model: User, as: 'user', attributes: [], where: { social: SEED_SOCIAL } }],
    order: [['courseId', 'ASC']],
  });
  const pending = courses.filter((c) => PLACEHOLDER_KEY.test(c.courseImageUrl1));
  for (const [i, course] of pending.entries()) {
    const png = await sharp(landscape(course.thema, i)).png().toBuffer();
    const prepared = await prepareImage({ originalname: 'demo.png', buffer: png }, 40_000_000);
    const [key] = await ctx.images.store([prepared], 'course');
    await Course.update(
      { courseImageUrl1: key },
      { where: { courseId: course.courseId }, silent: true },
    );
    log(`course images ${i + 1}/${pending.length}`);
  }
  await User.update(
    { profileUrl: DEFAULT_PROFILE_REF },
    { where: { social: SEED_SOCIAL, profileUrl: { [Op.like]: 'https://example.com/seed/%' } } },
  );
  return pending.length;
}
