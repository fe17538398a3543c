// application/x-npy bodies: one NumPy array with the batch first, as the SageMaker Python SDK's NumpySerializer and
// `np.save` write it. For a model with one input. The values arrive as a typed array, without the JSON parsing and
// nested lists a JSON body costs, and are checked against the signature as strictly as JSON values are.
import { parse as parseNpy, type NpyArray } from "npyjs";
import type { TensorSignature } from "../../protocol/servingManifest";
import { BadRequest, describe, type Instance } from "./instanceDecoding";

export const NPY_CONTENT_TYPE = "application/x-npy";

const INTEGER_DTYPES = new Set(["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "b1"]);
const FLOAT_DTYPES = new Set(["f2", "f4", "f8"]);

/** The instances of an .npy body for a model's one input; values scaled as the package's preprocessing says. */
export function instancesFromNpy(body: Buffer, inputs: TensorSignature[], scale: number): Instance[] {
  if (inputs.length !== 1) {
    throw new BadRequest(`an application/x-npy body carries one array, and this model has ${inputs.length} inputs (${inputs.map((input) => input.name).join(", ")}); send application/json`);
  }
  const signature = inputs[0];
  const array = readNpy(body);
  const { shape } = array;
  const expected = signature.shape;
  const fits = shape.length === expected.length && shape[0] > 0 && shape.every((size, i) => i === 0 || expected[i] === null || expected[i] === size);
  if (!fits) throw new BadRequest(`the array has shape (${shape.join(", ")}), but ${signature.name} takes a batch of ${describe(signature)}: shape (N, ${expected.slice(1).map((size) => size ?? "any").join(", ")})`);
  const dtype = array.dtype;
  const integral = INTEGER_DTYPES.has(dtype);
  if (!integral && !FLOAT_DTYPES.has(dtype)) throw new BadRequest(`the array's dtype ${dtype} is not a number type; send float32, int32, uint8 or bool values`);
  if (!integral && signature.dtype !== "float32") throw new BadRequest(`the array holds floats (${dtype}), but ${signature.name} takes ${signature.dtype} values`);
  const size = shape.slice(1).reduce((product, dim) => product * dim, 1);
  // A typed array, or for bool (b1) a list of booleans.
  const data = array.data as unknown as ArrayLike<number | bigint | boolean>;
  if (data.length !== shape[0] * size) throw new BadRequest(`the array's data holds ${data.length} values, but its shape (${shape.join(", ")}) needs ${shape[0] * size}`);
  const factor = signature.dtype === "float32" ? scale : 1;
  return Array.from({ length: shape[0] }, (_, row): Instance => {
    const values = signature.dtype === "float32" ? new Float32Array(size) : new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const value = Number(data[row * size + i]);
      if (!Number.isFinite(value)) throw new BadRequest(`instance ${row}: ${value} is not a finite number, as ${signature.name} takes`);
      if (signature.dtype === "bool" && value !== 0 && value !== 1) throw new BadRequest(`instance ${row}: ${value} is not a boolean (0 or 1), as ${signature.name} takes`);
      values[i] = value * factor;
    }
    return [{ values, shape: shape.slice(1) }];
  });
}

function readNpy(body: Buffer): NpyArray {
  if (body.length === 0) throw new BadRequest("the body is empty: send one .npy array with the batch first");
  // Copied into an ArrayBuffer of its own: the parser views the data in place, and a Buffer may share a larger pool.
  const buffer = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  let array: NpyArray;
  try {
    array = parseNpy(buffer);
  } catch (error) {
    throw new BadRequest(`the body is not a .npy array (${(error as Error).message}); write it with numpy.save`);
  }
  // The parser reads every array as little-endian and in C order; anything else would be silently scrambled.
  const header = body.toString("latin1", 0, Math.min(body.length, 256));
  if (/'descr'\s*:\s*'>/.test(header)) throw new BadRequest("the array is big-endian; send it little-endian (array.astype(array.dtype.newbyteorder('<')))");
  if (array.fortranOrder) throw new BadRequest("the array is in Fortran order; send it in C order (numpy.ascontiguousarray)");
  return array;
}
