import sharp from 'sharp';

/** A photo-like JPEG of the given size (noise compresses like a real photo). */
export async function jpeg(width: number, height: number, orientation?: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 1) raw[i] = (i * 7919) % 251;
  let image = sharp(raw, { raw: { width, height, channels: 3 } });
  if (orientation) image = image.withMetadata({ orientation });
  return image.jpeg({ quality: 85 }).toBuffer();
}

export async function png(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: 40, g: 160, b: 90 } },
  })
    .png()
    .toBuffer();
}
