import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { registerWasmGradients } from "../tfjs/backends/wasmGradients";
import { isStandIn } from "../tfjs/backends/wasmGradients/standIn";
import { dropEmscriptenProcessHandlers } from "../tfjs/backends/emscriptenProcessHandlers";
import { startStudioKernel, streamText, stripAnsi } from "./support/studioKernel";
import { useWasmBackend } from "./support/wasmBackend";
import { values } from "./support/deterministicValues";

// wasm loads in this process: keep its Emscripten runtime from making every uncaught error fatal to mocha.
dropEmscriptenProcessHandlers();

// Every kernel registered for wasm is checked against the cpu backend's kernel on the same data. The cpu backprop
// kernels ignore dilation (tfjs' own gradients refuse dilated convolutions), so dilation is checked against cpu on the
// equivalent undilated filter: a filter spread out with zeros between its taps.

type Shape4 = [number, number, number, number];
type Attrs = Record<string, unknown>;
const TOLERANCE = 1e-4;

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs a kernel on one backend with fresh tensors made from the given data; returns its shape and values. */
async function runOn(
  backend: string,
  kernel: string,
  inputs: Record<string, { shape: number[]; data: Float32Array | Int32Array; dtype?: "float32" | "int32" }>,
  attrs: Attrs,
): Promise<{ shape: number[]; data: Float32Array }> {
  const [result] = await runOnMany(backend, kernel, inputs, attrs);
  return result;
}

/** The same for kernels with several outputs. */
async function runOnMany(
  backend: string,
  kernel: string,
  inputs: Record<string, { shape: number[]; data: Float32Array | Int32Array; dtype?: "float32" | "int32" }>,
  attrs: Attrs,
): Promise<{ shape: number[]; data: Float32Array }[]> {
  await tf.setBackend(backend);
  const tensors = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, tf.tensor(input.data, input.shape, input.dtype ?? "float32")]));
  const before = tf.memory().numTensors;
  const out = tf.engine().runKernel<tf.Tensor | tf.Tensor[]>(kernel, tensors, attrs as tf.NamedAttrMap);
  const outs = Array.isArray(out) ? out : [out];
  const results = await Promise.all(outs.map(async (t) => ({ shape: t.shape, data: (await t.data()) as Float32Array })));
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before, `${kernel} on ${backend} leaked tensors`);
  for (const tensor of Object.values(tensors)) tensor.dispose();
  return results;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function assertClose(actual: { shape: number[]; data: Float32Array }, expected: { shape: number[]; data: Float32Array }, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const diff = maxAbsDiff(actual.data, expected.data);
  assert.ok(diff <= TOLERANCE, `${what}: max abs diff ${diff} > ${TOLERANCE}`);
  // Guard against comparing two all-zero results.
  assert.ok(expected.data.some((v) => Math.abs(v) > 1e-3), `${what}: the reference is all zeros`);
}

/** The filter [KH,KW,C,M] spread to [(KH-1)d+1, (KW-1)d+1, C, M] with zeros between taps: the same convolution undilated. */
function spreadFilter(data: Float32Array, shape: Shape4, dilation: number): { data: Float32Array; shape: Shape4 } {
  const [kh, kw, c, m] = shape;
  const big: Shape4 = [(kh - 1) * dilation + 1, (kw - 1) * dilation + 1, c, m];
  const out = new Float32Array(sizeOf(big));
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < c * m; k++) out[((i * dilation) * big[1] + j * dilation) * c * m + k] = data[(i * kw + j) * c * m + k];
  return { data: out, shape: big };
}

/** The taps of a spread filter's gradient, at every `dilation`-th row and column. */
function tapsOf(spread: { shape: number[]; data: Float32Array }, shape: Shape4, dilation: number): { shape: number[]; data: Float32Array } {
  const [kh, kw, c, m] = shape;
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < c * m; k++) out[(i * kw + j) * c * m + k] = spread.data[((i * dilation) * spread.shape[1] + j * dilation) * c * m + k];
  return { shape, data: out };
}

interface ConvCase {
  name: string;
  x: Shape4;
  filter: Shape4;
  strides: number | [number, number];
  pad: "same" | "valid" | number[][];
  dilation?: number;
}

const convCases: ConvCase[] = [
  { name: "3x3 stride 1 same", x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: "same" },
  { name: "3x3 stride 1 valid", x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: "valid" },
  { name: "3x3 stride 2 same", x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: "same" },
  { name: "3x3 stride 2 valid", x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: "valid" },
  { name: "2x3 strides [2,1] same", x: [3, 7, 10, 2], filter: [2, 3, 2, 5], strides: [2, 1], pad: "same" },
  { name: "5x5 stride 2 valid, rows left over", x: [1, 12, 11, 2], filter: [5, 5, 2, 3], strides: 2, pad: "valid" },
  { name: "1x1 stride 2", x: [2, 6, 6, 4], filter: [1, 1, 4, 2], strides: 2, pad: "same" },
  { name: "explicit padding", x: [2, 8, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { name: "explicit padding stride 2", x: [2, 8, 7, 3], filter: [3, 3, 3, 2], strides: 2, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
];

const depthwiseCases: ConvCase[] = [
  ...convCases.map((c) => ({ ...c, filter: [c.filter[0], c.filter[1], c.x[3], 1] as Shape4 })),
  { name: "multiplier 3 stride 2 same", x: [2, 9, 8, 3], filter: [3, 3, 3, 3], strides: 2, pad: "same" },
  { name: "multiplier 2 stride 1 valid", x: [2, 7, 9, 2], filter: [3, 2, 2, 2], strides: 1, pad: "valid" },
  { name: "dilation 2 same", x: [2, 9, 10, 3], filter: [3, 3, 3, 1], strides: 1, pad: "same", dilation: 2 },
  { name: "dilation 2 valid multiplier 2", x: [2, 11, 9, 2], filter: [3, 3, 2, 2], strides: 1, pad: "valid", dilation: 2 },
  { name: "dilation 3 same", x: [1, 12, 12, 2], filter: [2, 3, 2, 1], strides: 1, pad: "same", dilation: 3 },
];

/** The forward output's shape, from the same geometry the backends use. */
function forwardShape(c: ConvCase, depthwise: boolean): Shape4 {
  const d = c.dilation ?? 1;
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, d, c.pad as "same", undefined, depthwise);
  return info.outShape;
}

describe("wasm gradient kernels", function () {
  this.timeout(120_000);

  before(async () => {
    await useWasmBackend();
    registerWasmGradients(tf);
  });
  after(async () => {
    await tf.setBackend("cpu");
  });

  it("registers the kernels stock wasm lacks and the faster stand-ins, once", () => {
    for (const name of ["Conv2DBackpropFilter", "DepthwiseConv2dNativeBackpropFilter", "DepthwiseConv2dNativeBackpropInput", "UnsortedSegmentSum"]) {
      assert.ok(tf.getKernel(name, "wasm"), `${name} is registered for wasm`);
    }
    for (const name of ["BatchMatMul", "Conv2DBackpropInput", "MaxPoolGrad", "OneHot", "Slice", "Unpack", "SplitV", "GatherV2", "Identity"]) {
      const config = tf.getKernel(name, "wasm");
      assert.ok(config && isStandIn(config), `wasm's ${name} is replaced`);
    }
    assert.deepEqual(registerWasmGradients(tf), [], "a second call registers nothing");
  });

  describe("BatchMatMul with transposed operands matches cpu", () => {
    const cases: { name: string; a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
      { name: "a^T·b (a Dense layer's weight gradient)", a: [37, 20], b: [37, 9], transposeA: true, transposeB: false },
      { name: "a·b^T (a Dense layer's input gradient)", a: [37, 20], b: [9, 20], transposeA: false, transposeB: true },
      { name: "a^T·b^T", a: [20, 37], b: [9, 20], transposeA: true, transposeB: true },
      { name: "rank 3, one matrix", a: [1, 20, 37], b: [1, 20, 9], transposeA: true, transposeB: false },
      { name: "rank 3, a batch of matrices", a: [3, 20, 37], b: [3, 9, 20], transposeA: true, transposeB: true },
      { name: "no transpose", a: [37, 20], b: [20, 9], transposeA: false, transposeB: false },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const inputs = { a: { shape: c.a, data: values(sizeOf(c.a), 13) }, b: { shape: c.b, data: values(sizeOf(c.b), 14) } };
        const attrs = { transposeA: c.transposeA, transposeB: c.transposeB };
        assertClose(await runOn("wasm", "BatchMatMul", inputs, attrs), await runOn("cpu", "BatchMatMul", inputs, attrs), c.name);
      });
    }
  });

  describe("Conv2DBackpropFilter matches cpu", () => {
    for (const c of convCases) {
      it(c.name, async () => {
        const dyShape = forwardShape(c, false);
        const inputs = { x: { shape: c.x, data: values(sizeOf(c.x), 1) }, dy: { shape: dyShape, data: values(sizeOf(dyShape), 2) } };
        const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape: c.filter };
        assertClose(await runOn("wasm", "Conv2DBackpropFilter", inputs, attrs), await runOn("cpu", "Conv2DBackpropFilter", inputs, attrs), c.name);
      });
    }

    it("as the gradient of tf.conv2d, through tf.grads", async () => {
      const gradients = async (backend: string) => {
        await tf.setBackend(backend);
        const x = tf.tensor4d(values(2 * 10 * 10 * 3, 3), [2, 10, 10, 3]);
        const filter = tf.tensor4d(values(3 * 3 * 3 * 8, 4), [3, 3, 3, 8]);
        const [dx, dFilter] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same").square().sum())([x, filter]);
        const out = { dx: { shape: dx.shape, data: (await dx.data()) as Float32Array }, dFilter: { shape: dFilter.shape, data: (await dFilter.data()) as Float32Array } };
        tf.dispose([x, filter, dx, dFilter]);
        return out;
      };
      const wasm = await gradients("wasm");
      const cpu = await gradients("cpu");
      assertClose(wasm.dFilter, cpu.dFilter, "filter gradient");
      assertClose(wasm.dx, cpu.dx, "input gradient");
    });
  });

  describe("Conv2DBackpropInput (replaced: the stock one is slow) matches cpu", () => {
    for (const c of convCases) {
      it(c.name, async () => {
        const dyShape = forwardShape(c, false);
        const inputs = { dy: { shape: dyShape, data: values(sizeOf(dyShape), 15) }, filter: { shape: c.filter, data: values(sizeOf(c.filter), 16) } };
        const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", inputShape: c.x };
        assertClose(await runOn("wasm", "Conv2DBackpropInput", inputs, attrs), await runOn("cpu", "Conv2DBackpropInput", inputs, attrs), c.name);
      });
    }
  });

  describe("MaxPoolGrad (replaced: the stock one is slow and loses all-negative windows next to padding) matches cpu", () => {
    const cases: { name: string; x: Shape4; filterSize: number | [number, number]; strides: number | [number, number]; pad: "same" | "valid"; ties?: boolean }[] = [
      { name: "2x2 stride 2 valid", x: [2, 8, 6, 3], filterSize: 2, strides: 2, pad: "valid" },
      { name: "2x2 stride 2 valid, odd sizes (last row and column unused)", x: [2, 9, 7, 3], filterSize: 2, strides: 2, pad: "valid" },
      { name: "2x2 stride 2 same, even sizes", x: [2, 8, 6, 3], filterSize: 2, strides: 2, pad: "same" },
      { name: "2x2 stride 2 same, odd sizes (padded)", x: [2, 9, 7, 3], filterSize: 2, strides: 2, pad: "same" },
      { name: "3x3 stride 3 same, padded on both sides", x: [2, 7, 8, 2], filterSize: 3, strides: 3, pad: "same" },
      { name: "3x3 stride 3", x: [1, 9, 10, 2], filterSize: 3, strides: 3, pad: "valid" },
      { name: "2x3 strides [2,3]", x: [2, 6, 9, 2], filterSize: [2, 3], strides: [2, 3], pad: "valid" },
      { name: "3x3 stride 2, overlapping windows add up", x: [2, 9, 9, 2], filterSize: 3, strides: 2, pad: "valid" },
      { name: "3x3 stride 1 same, overlapping and padded", x: [2, 6, 7, 3], filterSize: 3, strides: 1, pad: "same" },
      { name: "ties after a ReLU go to the first maximum", x: [2, 8, 8, 3], filterSize: 2, strides: 2, pad: "valid", ties: true },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const xData = values(sizeOf(c.x), 17).map((v) => (c.ties ? Math.max(0, Math.round(v * 2) / 2) : v));
        const info = tf.backend_util.computePool2DInfo(c.x, c.filterSize, c.strides, 1, c.pad);
        const output = tf.tidy(() => tf.maxPool(tf.tensor4d(xData, c.x), c.filterSize, c.strides, c.pad).dataSync() as Float32Array);
        const inputs = {
          dy: { shape: info.outShape, data: values(sizeOf(info.outShape), 18) },
          input: { shape: c.x, data: xData },
          output: { shape: info.outShape, data: output },
        };
        const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
        assertClose(await runOn("wasm", "MaxPoolGrad", inputs, attrs), await runOn("cpu", "MaxPoolGrad", inputs, attrs), c.name);
      });
    }
  });

  describe("DepthwiseConv2dNativeBackpropFilter matches cpu", () => {
    for (const c of depthwiseCases) {
      it(c.name, async () => {
        const d = c.dilation ?? 1;
        const dyShape = forwardShape(c, true);
        const inputs = { x: { shape: c.x, data: values(sizeOf(c.x), 5) }, dy: { shape: dyShape, data: values(sizeOf(dyShape), 6) } };
        const attrs = { strides: c.strides, pad: c.pad, dilations: d, filterShape: c.filter };
        const wasm = await runOn("wasm", "DepthwiseConv2dNativeBackpropFilter", inputs, attrs);
        const spreadShape = spreadFilter(new Float32Array(sizeOf(c.filter)), c.filter, d).shape;
        const cpu = await runOn("cpu", "DepthwiseConv2dNativeBackpropFilter", inputs, { ...attrs, dilations: 1, filterShape: spreadShape });
        assertClose(wasm, tapsOf(cpu, c.filter, d), c.name);
      });
    }
  });

  describe("DepthwiseConv2dNativeBackpropInput matches cpu", () => {
    for (const c of depthwiseCases) {
      it(c.name, async () => {
        const d = c.dilation ?? 1;
        const dyShape = forwardShape(c, true);
        const filterData = values(sizeOf(c.filter), 7);
        const spread = spreadFilter(filterData, c.filter, d);
        const attrs = { strides: c.strides, pad: c.pad, dilations: d, inputShape: c.x };
        const dy = { shape: dyShape, data: values(sizeOf(dyShape), 8) };
        const wasm = await runOn("wasm", "DepthwiseConv2dNativeBackpropInput", { dy, filter: { shape: c.filter, data: filterData } }, attrs);
        const cpu = await runOn("cpu", "DepthwiseConv2dNativeBackpropInput", { dy, filter: spread }, { ...attrs, dilations: 1 });
        assertClose(wasm, cpu, c.name);
      });
    }
  });

  describe("OneHot (replaced: stock wasm ignores the dtype) matches cpu", () => {
    for (const dtype of ["float32", "int32"] as const) {
      it(dtype, async () => {
        const inputs = { indices: { shape: [2, 3], data: Int32Array.from([0, 2, 1, 3, -1, 2]), dtype: "int32" as const } };
        const attrs = { depth: 4, onValue: 5, offValue: -1, dtype };
        assertClose(await runOn("wasm", "OneHot", inputs, attrs), await runOn("cpu", "OneHot", inputs, attrs), dtype);
      });
    }
  });

  describe("Slice, Unpack and SplitV (replaced: the stock ones copy the whole input per piece) match cpu", () => {
    const slices: { name: string; shape: number[]; begin: number[]; size: number[]; dtype?: "int32" }[] = [
      { name: "rank 1", shape: [10], begin: [3], size: [4] },
      { name: "rank 2, columns", shape: [6, 9], begin: [1, 2], size: [4, 5] },
      { name: "rank 3, contiguous rows", shape: [5, 4, 3], begin: [2, 0, 0], size: [2, -1, -1] },
      { name: "rank 4, inner block", shape: [3, 5, 4, 6], begin: [1, 1, 2, 1], size: [2, 3, 2, 4], dtype: "int32" },
      { name: "rank 5", shape: [2, 3, 4, 2, 5], begin: [0, 1, 1, 0, 2], size: [2, 2, 3, 2, 3] },
      { name: "empty", shape: [4, 5], begin: [1, 1], size: [0, 3] },
    ];
    for (const c of slices) {
      it(`Slice ${c.name}`, async () => {
        const data = c.dtype === "int32" ? Int32Array.from(values(sizeOf(c.shape), 19), (v) => Math.round(v * 100)) : values(sizeOf(c.shape), 19);
        const inputs = { x: { shape: c.shape, data, dtype: c.dtype } };
        const attrs = { begin: c.begin, size: c.size };
        const wasm = await runOn("wasm", "Slice", inputs, attrs);
        const cpu = await runOn("cpu", "Slice", inputs, attrs);
        assert.deepEqual(wasm.shape, cpu.shape);
        assert.deepEqual(Array.from(wasm.data), Array.from(cpu.data));
      });
    }
    for (const axis of [0, 1, -1]) {
      it(`Unpack axis ${axis}`, async () => {
        const inputs = { value: { shape: [4, 3, 5], data: values(60, 20) } };
        const wasm = await runOnMany("wasm", "Unpack", inputs, { axis });
        const cpu = await runOnMany("cpu", "Unpack", inputs, { axis });
        assert.equal(wasm.length, cpu.length);
        wasm.forEach((piece, i) => assertClose(piece, cpu[i], `piece ${i}`));
      });
    }
    for (const [numOrSizeSplits, axis] of [[[2, -1, 1], 1], [4, 2], [2, 0]] as [number | number[], number][]) {
      it(`SplitV ${JSON.stringify(numOrSizeSplits)} on axis ${axis}`, async () => {
        const inputs = { x: { shape: [4, 6, 8], data: values(192, 21) } };
        const wasm = await runOnMany("wasm", "SplitV", inputs, { numOrSizeSplits, axis });
        const cpu = await runOnMany("cpu", "SplitV", inputs, { numOrSizeSplits, axis });
        assert.equal(wasm.length, cpu.length);
        wasm.forEach((piece, i) => assertClose(piece, cpu[i], `piece ${i}`));
      });
    }
  });

  describe("GatherV2 (replaced: the stock one is slow per element) matches cpu", () => {
    const cases: { name: string; x: number[]; indices: number[]; indicesShape: number[]; axis: number; batchDims?: number; int?: boolean }[] = [
      { name: "rows (fit's batches, Embedding lookups)", x: [6, 4, 3], indices: [5, 0, 0, 2], indicesShape: [4], axis: 0 },
      { name: "2-D indices on axis 1, int32", x: [3, 5, 2], indices: [4, 1, 1, 0, 3, 2], indicesShape: [2, 3], axis: 1, int: true },
      { name: "last axis", x: [2, 3, 4], indices: [3, 0], indicesShape: [2], axis: -1 },
      { name: "batchDims 1", x: [2, 5, 3], indices: [4, 0, 1, 1, 2, 3], indicesShape: [2, 3], axis: 1, batchDims: 1 },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const data = c.int ? Int32Array.from(values(sizeOf(c.x), 22), (v) => Math.round(v * 50)) : values(sizeOf(c.x), 22);
        const inputs = { x: { shape: c.x, data, dtype: c.int ? ("int32" as const) : undefined }, indices: { shape: c.indicesShape, data: Int32Array.from(c.indices), dtype: "int32" as const } };
        const attrs = { axis: c.axis, batchDims: c.batchDims ?? 0 };
        const wasm = await runOn("wasm", "GatherV2", inputs, attrs);
        const cpu = await runOn("cpu", "GatherV2", inputs, attrs);
        assert.deepEqual(wasm.shape, cpu.shape);
        assert.deepEqual(Array.from(wasm.data), Array.from(cpu.data));
      });
    }

    it("an index out of range is a clear error", async () => {
      await tf.setBackend("wasm");
      const x = tf.zeros([3, 2]);
      const indices = tf.tensor1d([0, 3], "int32");
      assert.throws(() => tf.gather(x, indices), /index value 3 is not in \[0, 2\]/);
      tf.dispose([x, indices]);
    });
  });

  it("Identity (replaced: the stock one copies) shares the data, and a clone outlives its source", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor2d(values(12, 23), [3, 4]);
    const expected = Array.from(x.dataSync());
    const before = tf.memory().numDataBuffers;
    const clone = tf.clone(x);
    assert.equal(tf.memory().numDataBuffers, before, "the clone shares its source's data");
    x.dispose();
    assert.deepEqual(Array.from(await clone.data()), expected);
    clone.dispose();
  });

  describe("UnsortedSegmentSum matches cpu", () => {
    it("rows with repeated ids, float32", async () => {
      const ids = Int32Array.from([3, 0, 3, 5, 1, 3, 0, 2], (v) => v);
      const inputs = { x: { shape: [8, 2, 3], data: values(48, 9) }, segmentIds: { shape: [8], data: ids, dtype: "int32" as const } };
      assertClose(await runOn("wasm", "UnsortedSegmentSum", inputs, { numSegments: 7 }), await runOn("cpu", "UnsortedSegmentSum", inputs, { numSegments: 7 }), "segments");
    });

    it("as the gradient of an Embedding lookup (tf.gather)", async () => {
      const gradient = async (backend: string) => {
        await tf.setBackend(backend);
        const table = tf.tensor2d(values(20 * 4, 10), [20, 4]);
        const ids = tf.tensor2d([1, 5, 5, 19, 0, 1], [2, 3], "int32");
        const g = tf.grad((t: tf.Tensor) => tf.gather(t, ids).mul(tf.gather(t, ids)).sum())(table);
        const out = { shape: g.shape, data: (await g.data()) as Float32Array };
        tf.dispose([table, ids, g]);
        return out;
      };
      assertClose(await gradient("wasm"), await gradient("cpu"), "embedding gradient");
    });
  });

  describe("training on wasm", () => {
    /** Trains for some epochs and returns the loss of the first and last epoch; checks nothing leaks between epochs. */
    async function fitLosses(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, epochs: number): Promise<number[]> {
      model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
      await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
      const tensorsAfterFirstEpoch = tf.memory().numTensors;
      const history = await model.fit(x, y, { epochs, batchSize: 16, verbose: 0 });
      assert.equal(tf.memory().numTensors, tensorsAfterFirstEpoch, "training leaks no tensors");
      return history.history.loss as number[];
    }

    it("a tiny CNN (Conv2D, MaxPooling, Dropout, Dense) learns", async () => {
      await tf.setBackend("wasm");
      // The class is which half of the 8x8 image holds the bright square.
      const count = 128;
      const labels = Array.from({ length: count }, (_, i) => i % 2);
      const images = new Float32Array(count * 64);
      const noise = values(count * 64, 11);
      labels.forEach((label, n) => {
        for (let p = 0; p < 64; p++) images[n * 64 + p] = 0.1 * noise[n * 64 + p];
        const row = label === 0 ? 1 : 5;
        const col = n % 5;
        for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) images[n * 64 + (row + dr) * 8 + col + dc] = 1;
      });
      const x = tf.tensor4d(images, [count, 8, 8, 1]);
      const y = tf.oneHot(tf.tensor1d(labels, "int32"), 2);
      // Seeded: with 4 filters, an unlucky random start can leave every ReLU dead and the loss flat.
      const init = (seed: number) => tf.initializers.heNormal({ seed });
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 1, padding: "same", activation: "relu", kernelInitializer: init(1) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "valid", activation: "relu", kernelInitializer: init(2) }),
          tf.layers.flatten(),
          tf.layers.dropout({ rate: 0.1, seed: 3 }),
          tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: init(4) }),
        ],
      });
      const losses = await fitLosses(model, x, y, 15);
      assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss fell from ${losses[0]} to ${losses[losses.length - 1]}`);
      tf.dispose([x, y]);
      model.dispose();
    });

    it("a tiny Embedding + bidirectional LSTM text model learns", async () => {
      await tf.setBackend("wasm");
      // The class is whether word 1 appears in the sequence.
      const count = 96;
      const length = 6;
      const words = values(count * length, 12).map((v) => 2 + Math.floor((v + 1) * 9));
      const labels = Array.from({ length: count }, (_, n) => n % 2);
      labels.forEach((label, n) => {
        if (label === 1) words[n * length + (n % length)] = 1;
      });
      const x = tf.tensor2d(words, [count, length]);
      const y = tf.oneHot(tf.tensor1d(labels, "int32"), 2);
      const model = tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 20, outputDim: 8, inputLength: length }),
          tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8 }) }),
          tf.layers.dense({ units: 2, activation: "softmax" }),
        ],
      });
      const losses = await fitLosses(model, x, y, 15);
      assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss fell from ${losses[0]} to ${losses[losses.length - 1]}`);
      tf.dispose([x, y]);
      model.dispose();
    });
  });

  it("a notebook cell trains a CNN on wasm in the kernel", async function () {
    this.timeout(120_000);
    // A notebook folder inside the package, so that the cell finds tfjs by ordinary resolution.
    fs.mkdirSync(path.join(process.cwd(), ".cache"), { recursive: true });
    const cwd = fs.mkdtempSync(path.join(process.cwd(), ".cache", "wasm-notebook-"));
    const kernel = await startStudioKernel({ cwd });
    try {
      const result = await kernel.run(
        [
          `import * as tf from "@tensorflow/tfjs";`,
          `import "@tensorflow/tfjs-backend-wasm";`,
          `await tf.setBackend("wasm");`,
          `const model = tf.sequential({ layers: [`,
          `  tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: "relu" }),`,
          `  tf.layers.maxPooling2d({ poolSize: 2 }),`,
          `  tf.layers.flatten(),`,
          `  tf.layers.dense({ units: 2, activation: "softmax" }),`,
          `] });`,
          `model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });`,
          `const history = await model.fit(tf.randomNormal([16, 8, 8, 1]), tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1], "int32"), 2), { epochs: 2, verbose: 0 });`,
          `console.log(tf.getBackend(), history.history.loss.length);`,
        ].join("\n"),
        { timeoutMs: 100_000 },
      );
      const content = result.reply.content as { status: string; ename?: string; evalue?: string; traceback?: string[] };
      assert.equal(content.status, "ok", `cell failed: ${content.ename}: ${content.evalue}\n${stripAnsi((content.traceback ?? []).join("\n"))}`);
      assert.equal(streamText(result).trim(), "wasm 2");
    } finally {
      await kernel.stop();
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
