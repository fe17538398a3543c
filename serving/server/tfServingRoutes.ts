// TensorFlow Serving's REST API: model status, metadata (the signature as a SignatureDef) and :predict with rows
// ("instances", answered as "predictions") or columns ("inputs", answered as "outputs").
import type { FastifyInstance } from "fastify";
import type { ServingManifest, TensorSignature } from "../../protocol/servingManifest";
import { BadRequest } from "./instanceDecoding";
import { objectBody, rowValue, type ServingContext } from "./servingContext";

type Params = { name: string; version?: string };

const TF_DTYPES: Record<TensorSignature["dtype"], string> = { float32: "DT_FLOAT", int32: "DT_INT32", bool: "DT_BOOL", string: "DT_STRING" };

export function tfServingRoutes(app: FastifyInstance, context: ServingContext): void {
  const status = async ({ params }: { params: Params }) => {
    const name = params.name;
    // Before the model is loaded its status says so, as TensorFlow Serving's does.
    if (!context.ready) return { model_version_status: [{ version: params.version ?? "", state: "LOADING", status: { error_code: "UNAVAILABLE", error_message: context.loadError ?? "" } }] };
    const { manifest } = context.named(name, params.version);
    return { model_version_status: [{ version: manifest.version, state: "AVAILABLE", status: { error_code: "OK", error_message: "" } }] };
  };
  app.get<{ Params: Params }>("/v1/models/:name", status);
  app.get<{ Params: Params }>("/v1/models/:name/versions/:version", status);

  const metadata = async ({ params }: { params: Params }) => {
    const { manifest } = context.named(params.name, params.version);
    return {
      model_spec: { name: manifest.name, signature_name: "", version: manifest.version },
      metadata: { signature_def: { signature_def: { serving_default: signatureDef(manifest) } } },
    };
  };
  app.get<{ Params: Params }>("/v1/models/:name/metadata", metadata);
  app.get<{ Params: Params }>("/v1/models/:name/versions/:version/metadata", metadata);

  const predict = async ({ params, body }: { params: Params; body: unknown }) => {
    const { manifest, decoder } = context.named(params.name, params.version);
    const request = objectBody(body, '{"instances": [...]} or {"inputs": ...}');
    if ("instances" in request && "inputs" in request) throw new BadRequest('give "instances" or "inputs", not both');
    if ("instances" in request) {
      const rows = await context.predict(decoder.fromRows(request.instances, "instances"));
      return { predictions: rows.map((row) => rowValue(row, manifest)) };
    }
    if (!("inputs" in request)) throw new BadRequest('the body must have "instances" (rows) or "inputs" (columns)');
    const rows = await context.predict(decoder.fromColumns(request.inputs, "inputs"));
    const column = (k: number) => rows.map((row) => row[k]);
    return { outputs: manifest.outputs.length === 1 ? column(0) : Object.fromEntries(manifest.outputs.map((output, k) => [output.name, column(k)])) };
  };
  // "::" is a literal colon, and the name stops before it: /v1/models/NAME:predict.
  app.post<{ Params: Params }>("/v1/models/:name(^[^:/]+)::predict", predict);
  app.post<{ Params: Params }>("/v1/models/:name/versions/:version(^[^:/]+)::predict", predict);
}

function signatureDef(manifest: ServingManifest) {
  const tensors = (list: TensorSignature[]) =>
    Object.fromEntries(list.map((tensor) => [tensor.name, { name: tensor.name, dtype: TF_DTYPES[tensor.dtype], tensor_shape: { dim: tensor.shape.map((size) => ({ size: String(size ?? -1), name: "" })), unknown_rank: false } }]));
  return { inputs: tensors(manifest.inputs), outputs: tensors(manifest.outputs), method_name: "tensorflow/serving/predict" };
}
