// A request that fits a model's signature, for the code a user copies and the container's README: the raw text
// for a text model, else one instance of zeros in the input's shape (dimensions left open get 1).
import type { ServingManifest, TensorSignature } from "../../protocol/servingManifest";

export interface ExampleRequest {
  contentType: "application/json" | "text/plain";
  body: string;
}

export const EXAMPLE_TEXT = "A sentence to classify";

export function exampleRequest(manifest: ServingManifest): ExampleRequest {
  if (manifest.preprocessing.kind === "text") return { contentType: "text/plain", body: EXAMPLE_TEXT };
  return { contentType: "application/json", body: JSON.stringify({ instances: [exampleInstance(manifest)] }) };
}

/** One instance: the input's value, or an object by input name when the model has several. */
export function exampleInstance(manifest: ServingManifest): unknown {
  if (manifest.inputs.length === 1) return zeros(manifest.inputs[0]);
  return Object.fromEntries(manifest.inputs.map((input) => [input.name, zeros(input)]));
}

function zeros(signature: TensorSignature): unknown {
  const build = (dims: (number | null)[]): unknown => (dims.length === 0 ? 0 : Array.from({ length: dims[0] ?? 1 }, () => build(dims.slice(1))));
  return build(signature.shape.slice(1));
}
