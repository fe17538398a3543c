// A small PNG encoder (8-bit grey, RGB or RGBA, zlib from node:zlib), so cells can show tensors and
// pixel buffers as images without a canvas or an image package.
import { deflateSync } from "node:zlib";

export type Channels = 1 | 3 | 4;

/** Encodes `width` × `height` pixels of `channels` bytes each, row by row, as PNG. */
export function toPng(pixels: ArrayLike<number>, width: number, height: number, channels: Channels = 1): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`toPng: width and height must be positive integers, got ${width} × ${height}`);
  }
  if (![1, 3, 4].includes(channels)) throw new RangeError(`toPng: channels must be 1, 3 or 4, got ${channels}`);
  const rowBytes = width * channels;
  if (pixels.length !== rowBytes * height) {
    throw new RangeError(`toPng: expected ${rowBytes * height} values for ${width} × ${height} × ${channels}, got ${pixels.length}`);
  }
  // Every row starts with its filter type; 0 (none) keeps the encoder simple and zlib still compresses well.
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < rowBytes; x++) raw[y * (rowBytes + 1) + 1 + x] = pixels[y * rowBytes + x];
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = { 1: 0, 3: 2, 4: 6 }[channels]; // colour type: grey, RGB, RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** What tensorToPng needs from a tf.Tensor, so this module does not depend on tfjs. */
export interface TensorLike {
  readonly shape: number[];
  readonly dtype: string;
  dataSync(): ArrayLike<number>;
}

/**
 * Encodes an image tensor of shape [height, width] or [height, width, 1 | 3 | 4] as PNG. As with
 * tf.browser.toPixels, float values are taken to be in [0, 1] and integers in [0, 255].
 * `scale` enlarges each pixel to scale × scale, so that 28 × 28 digits are visible.
 */
export function tensorToPng(tensor: TensorLike, options: { scale?: number } = {}): Uint8Array {
  const shape = tensor.shape;
  const channels = (shape.length === 2 ? 1 : shape[2]) as Channels;
  if ((shape.length !== 2 && shape.length !== 3) || ![1, 3, 4].includes(channels)) {
    throw new RangeError(`tensorToPng: expected a tensor of shape [height, width] or [height, width, 1|3|4], got [${shape.join(", ")}]`);
  }
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`tensorToPng: scale must be a positive integer, got ${scale}`);
  const [height, width] = shape;
  const values = tensor.dataSync();
  const factor = tensor.dtype === "float32" ? 255 : 1;
  const pixels = new Uint8ClampedArray(width * scale * height * scale * channels);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const from = (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
      const to = (y * width * scale + x) * channels;
      for (let c = 0; c < channels; c++) pixels[to + c] = Math.round(values[from + c] * factor);
    }
  }
  return toPng(pixels, width * scale, height * scale, channels);
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
