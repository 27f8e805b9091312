import crypto from 'node:crypto';
import { boundingBox, haversineKm, type BoundingBox } from '../src/lib/geo';
import type { LatLng } from '../src/lib/route';
import { destination } from './support/geo';

const inBox = (box: BoundingBox, p: LatLng) =>
  p.lat >= box.minLat &&
  p.lat <= box.maxLat &&
  box.lngRanges.some(([min, max]) => p.lng >= min && p.lng <= max);

const random = (min: number, max: number) =>
  min + (crypto.randomInt(1_000_000) / 1e6) * (max - min);

test('Haversine gives the known great-circle distances', () => {
  // Seoul City Hall to Busan City Hall: about 325 km.
  expect(haversineKm({ lat: 37.5663, lng: 126.9779 }, { lat: 35.1798, lng: 129.075 })).toBeCloseTo(
    325,
    -1,
  );
  // A quarter of the equator, and across the pole.
  expect(haversineKm({ lat: 0, lng: 0 }, { lat: 0, lng: 90 })).toBeCloseTo(10_007.5, 0);
  expect(haversineKm({ lat: 89.99, lng: 0 }, { lat: 89.99, lng: 180 })).toBeCloseTo(2.224, 2);
  expect(haversineKm({ lat: 10, lng: 179.99 }, { lat: 10, lng: -179.99 })).toBeCloseTo(2.19, 2);
});

test('Every point within the radius lies in the bounding box, anywhere on the globe, the poles and the antimeridian included', () => {
  const centers: LatLng[] = [
    { lat: 37.5665, lng: 126.978 },
    { lat: 0, lng: 179.999 },
    { lat: -45, lng: -179.999 },
    { lat: 89.7, lng: 10 },
    { lat: -89.99, lng: -120 },
    { lat: 70, lng: 180 },
    ...Array.from({ length: 200 }, () => ({ lat: random(-89.9, 89.9), lng: random(-180, 180) })),
  ];
  for (const center of centers) {
    const radiusKm = random(0.1, 50);
    const box = boundingBox(center, radiusKm);
    for (let i = 0; i < 50; i += 1) {
      const p = destination(center, radiusKm * Math.sqrt(random(0, 1)), random(0, 360));
      expect(haversineKm(center, p)).toBeLessThanOrEqual(radiusKm + 1e-6);
      if (!inBox(box, p)) throw new Error(`${JSON.stringify({ center, radiusKm, p, box })}`);
    }
    // The edge of the circle in the four directions, where the box is tightest.
    for (const bearing of [0, 90, 180, 270]) {
      const p = destination(center, radiusKm * 0.999999, bearing);
      if (!inBox(box, p)) throw new Error(`${JSON.stringify({ center, radiusKm, p, box })}`);
    }
  }
});

test('The box is two longitude ranges across the antimeridian, every longitude at a pole, and tight elsewhere', () => {
  const across = boundingBox({ lat: 10, lng: 179.99 }, 5);
  expect(across.lngRanges).toHaveLength(2);
  expect(across.lngRanges[0][1]).toBe(180);
  expect(across.lngRanges[1][0]).toBe(-180);

  expect(boundingBox({ lat: 89.99, lng: 0 }, 5)).toEqual({
    minLat: expect.closeTo(89.945, 3),
    maxLat: 90,
    lngRanges: [[-180, 180]],
  });

  const seoul = boundingBox({ lat: 37.5, lng: 127 }, 5);
  expect(seoul.maxLat - seoul.minLat).toBeCloseTo(0.09, 3);
  const [[west, east]] = seoul.lngRanges;
  // About 5 km each way at Seoul's latitude: a selective box, not a band around the globe.
  expect(east - west).toBeGreaterThan(0.11);
  expect(east - west).toBeLessThan(0.12);
});
