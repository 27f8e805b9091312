import {
  likeDistanceLabel,
  likeLocationLabel,
  preferDistanceLabel,
  userLevelCode,
  userLevelFromInput,
} from '../src/lib/labels';
import { formatMobile, maskMobile, normalizeMobile } from '../src/lib/phone';

describe('preference labels', () => {
  it('Labels every region and distance code, shows other values as stored, keeps null', () => {
    expect(['1', '2', '3', '4', '5', '6', '7', '8', '9'].map(likeLocationLabel)).toEqual([
      '서울',
      '경기도',
      '인천광역시',
      '강원도',
      '충청도/세종특별시/대전광역시',
      '경상북도/대구광역시',
      '경상남도/부산광역시/울산광역시',
      '전라도/광주광역시',
      '제주특별자치도',
    ]);
    expect(['0', '1', '2', '3', '4'].map(likeDistanceLabel)).toEqual([
      '잘 모르겠어요',
      '5km 미만',
      '5km 이상 10km 미만',
      '10km 이상 15km 미만',
      '15km 이상',
    ]);
    expect(likeLocationLabel('서울')).toBe('서울');
    expect(likeLocationLabel(null)).toBeNull();
    expect(likeDistanceLabel(null)).toBeNull();
  });

  it('The preference tag says 미정 unless a real distance range was chosen', () => {
    expect(preferDistanceLabel('2')).toBe('5km 이상 10km 미만');
    for (const code of ['0', '7', null]) expect(preferDistanceLabel(code)).toBe('미정');
  });

  it('Maps runner levels between colour names and the form codes', () => {
    expect(['오렌지', '퍼플', '블루', '레드', '블랙'].map(userLevelCode)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
    ]);
    expect(userLevelCode('처음이에요')).toBe('0');
    expect(userLevelCode('초록')).toBeNull();
    expect(userLevelCode(null)).toBeNull();
    expect(userLevelFromInput('2')).toBe('블루');
    expect(userLevelFromInput('블랙')).toBe('블랙');
    for (const bad of ['5', 'undefined', 3, null]) expect(userLevelFromInput(bad)).toBeNull();
  });
});

describe('mobile numbers', () => {
  it.each([
    ['010-1234-5678', '01012345678'],
    ['010 1234 5678', '01012345678'],
    ['+82 10-1234-5678', '01012345678'],
    ['011-123-4567', '0111234567'],
  ])('Normalises %j to digits', (typed, digits) => {
    expect(normalizeMobile(typed)).toBe(digits);
  });

  it.each([['02-123-4567'], ['010-1234-567'], ['010-1234-56789'], ['abc'], ['']])(
    'Refuses %j',
    (typed) => {
      expect(normalizeMobile(typed)).toBeNull();
    },
  );

  it('Formats for display and masks for logs', () => {
    expect(formatMobile('01012345678')).toBe('010-1234-5678');
    expect(formatMobile('0111234567')).toBe('011-123-4567');
    expect(formatMobile('not a number')).toBe('not a number');
    expect(maskMobile('01012345678')).toBe('010****5678');
  });
});
