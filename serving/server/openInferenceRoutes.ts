// The Open Inference Protocol v2 (KServe, Triton, Seldon): health, model metadata and /infer with named input tensors
// ({name, shape, datatype, data}), data flat in row-major order or nested. Text models take BYTES tensors of strings.
import type { FastifyInstance } from "fastify";
import { packageVersion } from "../../protocol/packageRoot";
import type { ServingManifest, TensorSignature } from "../../protocol/servingManifest";
import { BadRequest, type Instance } from "./instanceDecoding";
import { objectBody, type ServingContext } from "./servingContext";
import type { ServedModel } from "./servedModel";

type Params = { name: string; version?: string };

const DATATYPES: Record<TensorSignature["dtype"], string> = { float32: "FP32", int32: "INT32", bool: "BOOL", string: "BYTES" };

interface InferInput {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

export function openInferenceRoutes(app: FastifyInstance, context: ServingContext): void {
  app.get("/v2", async () => ({ name: "tfjs-studio", version: packageVersion(), extensions: [] }));
  app.get("/v2/health/live", async () => ({ live: true }));
  app.get("/v2/health/ready", async (_request, reply) => reply.code(context.ready ? 200 : 503).send({ ready: context.ready }));

  const metadata = async ({ params }: { params: Params }) => {
    const { manifest, backend } = context.named(params.name, params.version);
    const tensors = (list: TensorSignature[]) => list.map((tensor) => ({ name: tensor.name, datatype: DATATYPES[tensor.dtype], shape: tensor.shape.map((size) => size ?? -1) }));
    return { name: manifest.name, versions: [manifest.version], platform: `tensorflowjs_${manifest.format.replace("-", "_")}`, backend, inputs: tensors(manifest.inputs), outputs: tensors(manifest.outputs) };
  };
  app.get<{ Params: Params }>("/v2/models/:name", metadata);
  app.get<{ Params: Params }>("/v2/models/:name/versions/:version", metadata);
  const ready = async ({ params }: { params: Params }) => ({ name: context.named(params.name, params.version).manifest.name, ready: true });
  app.get<{ Params: Params }>("/v2/models/:name/ready", ready);
  app.get<{ Params: Params }>("/v2/models/:name/versions/:version/ready", ready);

  const infer = async ({ params, body }: { params: Params; body: unknown }) => {
    const model = context.named(params.name, params.version);
    const request = objectBody(body, '{"inputs": [{"name", "shape", "datatype", "data"}]}');
    const instances = inferInstances(model, request.inputs);
    const rows = await context.predict(instances);
    const { manifest } = model;
    return {
      model_name: manifest.name,
      model_version: manifest.version,
      ...(typeof request.id === "string" ? { id: request.id } : {}),
      outputs: manifest.outputs.map((output, k) => outputTensor(output, rows.map((row) => row[k]))),
    };
  };
  app.post<{ Params: Params }>("/v2/models/:name/infer", infer);
  app.post<{ Params: Params }>("/v2/models/:name/versions/:version/infer", infer);
}

/** Each named input tensor split into instances along its first dimension. */
function inferInstances(model: ServedModel, inputs: unknown): Instance[] {
  const { manifest, decoder } = model;
  if (!Array.isArray(inputs) || inputs.length === 0) throw new BadRequest('"inputs" must be a non-empty list of {"name", "shape", "datatype", "data"} tensors');
  const byName = new Map<string, InferInput>();
  inputs.forEach((input, index) => {
    const tensor = checkedTensor(input, `inputs[${index}]`);
    byName.set(tensor.name, tensor);
  });
  const perInput = manifest.inputs.map((signature) => {
    const tensor = byName.get(signature.name) ?? (manifest.inputs.length === 1 && byName.size === 1 ? [...byName.values()][0] : undefined);
    if (!tensor) throw new BadRequest(`no input tensor named ${signature.name}; the model's inputs are ${manifest.inputs.map((input) => input.name).join(", ")}`);
    return splitRows(tensor, signature, manifest);
  });
  const size = perInput[0].length;
  if (perInput.some((rows) => rows.length !== size)) throw new BadRequest("every input tensor needs the same first dimension (the batch)");
  return Array.from({ length: size }, (_, row) => manifest.inputs.map((signature, k) => decoder.input(perInput[k][row], signature, `${signature.name}[${row}]`)));
}

function checkedTensor(value: unknown, where: string): InferInput {
  const { name, shape, datatype, data } = (typeof value === "object" && value !== null ? value : {}) as Partial<Record<keyof InferInput, unknown>>;
  if (typeof name !== "string") throw new BadRequest(`${where}: needs a "name"`);
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((size) => Number.isInteger(size) && (size as number) >= 0)) throw new BadRequest(`${where}: "shape" must be a list of sizes, the batch first`);
  if (typeof datatype !== "string") throw new BadRequest(`${where}: needs a "datatype" (FP32, INT32, BOOL or BYTES)`);
  if (!Array.isArray(data)) throw new BadRequest(`${where}: "data" must be a list`);
  return { name, shape: shape as number[], datatype, data };
}

/** A tensor's data (flat or nested) as one nested value an instance, checked against its declared shape. */
function splitRows(tensor: InferInput, signature: TensorSignature, manifest: ServingManifest): unknown[] {
  const flat = (tensor.data).flat(Infinity);
  const count = tensor.shape.reduce((product, size) => product * size, 1);
  if (flat.length !== count) throw new BadRequest(`${tensor.name}: shape [${tensor.shape.join(", ")}] holds ${count} values, but "data" has ${flat.length}`);
  const text = manifest.preprocessing.kind === "text" && tensor.datatype === "BYTES";
  const expected = text ? "BYTES" : DATATYPES[signature.dtype];
  if (tensor.datatype !== expected) throw new BadRequest(`${tensor.name}: datatype ${tensor.datatype}, but the model takes ${expected}`);
  const [batch, ...inner] = tensor.shape;
  const perRow = inner.reduce((product, size) => product * size, 1);
  return Array.from({ length: batch }, (_, row) => (text ? flat[row] : nest(flat.slice(row * perRow, (row + 1) * perRow), inner)));
}

function nest(values: unknown[], shape: number[]): unknown {
  if (shape.length === 0) return values[0];
  if (shape.length === 1) return values;
  const [size, ...rest] = shape;
  const step = values.length / size;
  return Array.from({ length: size }, (_, i) => nest(values.slice(i * step, (i + 1) * step), rest));
}

function outputTensor(signature: TensorSignature, values: unknown[]) {
  const shape = [values.length, ...innerShape(values[0])];
  return { name: signature.name, datatype: DATATYPES[signature.dtype], shape, data: values.flat(Infinity) };
}

function innerShape(value: unknown): number[] {
  return Array.isArray(value) ? [value.length, ...innerShape(value[0])] : [];
}
