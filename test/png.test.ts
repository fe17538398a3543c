import assert from "node:assert/strict";
import { crc32, inflateSync } from "node:zlib";
import { tensorToPng, toPng } from "../common/png";

/** Decodes what toPng writes (8-bit, filter 0), checking the signature and every chunk's CRC. */
function decode(png: Uint8Array): { width: number; height: number; colorType: number; rows: number[][] } {
  const bytes = Buffer.from(png);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks = new Map<string, Buffer>();
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const typeAndData = bytes.subarray(at + 4, at + 8 + length);
    assert.equal(bytes.readUInt32BE(at + 8 + length), crc32(typeAndData), "chunk CRC");
    chunks.set(typeAndData.subarray(0, 4).toString("latin1"), typeAndData.subarray(4));
    at += 12 + length;
  }
  assert.deepEqual([...chunks.keys()], ["IHDR", "IDAT", "IEND"]);
  const header = chunks.get("IHDR")!;
  const [width, height, depth, colorType] = [header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]];
  assert.equal(depth, 8);
  const channels = { 0: 1, 2: 3, 6: 4 }[colorType]!;
  const raw = inflateSync(chunks.get("IDAT")!);
  const rows = Array.from({ length: height }, (_, y) => {
    const row = raw.subarray(y * (width * channels + 1), (y + 1) * (width * channels + 1));
    assert.equal(row[0], 0, "filter type none");
    return [...row.subarray(1)];
  });
  return { width, height, colorType, rows };
}

function fakeTensor(shape: number[], dtype: string, values: number[]) {
  return { shape, dtype, dataSync: () => Float32Array.from(values) };
}

describe("PNG encoding (toPng, tensorToPng)", () => {
  it("encodes grey, RGB and RGBA pixels row by row", () => {
    assert.deepEqual(decode(toPng([0, 128, 255, 7, 8, 9], 3, 2)), { width: 3, height: 2, colorType: 0, rows: [[0, 128, 255], [7, 8, 9]] });
    assert.deepEqual(decode(toPng([255, 0, 0, 0, 255, 0], 2, 1, 3)).rows, [[255, 0, 0, 0, 255, 0]]);
    assert.equal(decode(toPng(new Uint8Array(4 * 4), 2, 2, 4)).colorType, 6);
  });

  it("maps float tensors from [0, 1] and integer tensors from [0, 255], and enlarges by `scale`", () => {
    assert.deepEqual(decode(tensorToPng(fakeTensor([1, 2], "float32", [0, 1]))).rows, [[0, 255]]);
    assert.deepEqual(decode(tensorToPng(fakeTensor([1, 2, 1], "int32", [3, 200]), { scale: 2 })), {
      width: 4,
      height: 2,
      colorType: 0,
      rows: [[3, 3, 200, 200], [3, 3, 200, 200]],
    });
  });

  it("explains wrong sizes and shapes", () => {
    assert.throws(() => toPng([1, 2, 3], 2, 2), /expected 4 values for 2 × 2 × 1, got 3/);
    assert.throws(() => toPng([], 0, 1), /width and height must be positive integers/);
    assert.throws(() => tensorToPng(fakeTensor([2, 2, 2], "float32", new Array(8).fill(0))), /shape \[height, width\] or \[height, width, 1\|3\|4\], got \[2, 2, 2\]/);
    assert.throws(() => tensorToPng(fakeTensor([1, 1], "float32", [0]), { scale: 1.5 }), /scale must be a positive integer/);
  });
});
