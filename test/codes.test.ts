import { regionFromAddress, shortLocation, timeSlotFromTime } from '../src/lib/codes';

describe('codes derived from a post', () => {
  it.each([
    ['서울 마포구 망원동 123-4', 1],
    ['서울특별시 중구 세종대로 110', 1],
    ['경기 수원시 팔달구 매향동 6-2', 2],
    ['인천 연수구 송도동 24-5', 3],
    ['강원특별자치도 강릉시 강문동 294-2', 4],
    ['충남 보령시 신흑동 1029-1', 5],
    ['세종특별자치시 세종동 1282', 5],
    ['대전 유성구 궁동 220', 5],
    ['대구 수성구 두산동 512', 6],
    ['부산 해운대구 우동 1394-65', 7],
    ['광주 북구 운암동 160', 8],
    ['전북특별자치도 전주시 완산구 교동 65-5', 8],
    ['제주특별자치도 제주시 용담삼동 2580', 9],
    ['Tokyo Shibuya', 0],
    ['', 0],
  ])('the region of %s is %i', (address, region) => {
    expect(regionFromAddress(address)).toBe(region);
  });

  it('shortens an address to its first two words for list cards', () => {
    expect(shortLocation('서울 강남구 역삼동 123-4')).toBe('서울 강남구');
    expect(shortLocation('  제주특별자치도   제주시 용담삼동 ')).toBe('제주특별자치도 제주시');
  });

  it.each([
    ['00:30:00', 1],
    ['03:59', 1],
    ['04:00', 2],
    ['07:30', 2],
    ['08:00', 3],
    ['12:00', 4],
    ['16:00', 5],
    ['20:00', 6],
    ['23:45:00', 6],
  ])('a run meeting at %s is in time slot %i (the SPA filter)', (time, slot) => {
    expect(timeSlotFromTime(time)).toBe(slot);
  });

  it('refuses a time that is not a time of day', () => {
    expect(() => timeSlotFromTime('24:00')).toThrow(RangeError);
  });
});
