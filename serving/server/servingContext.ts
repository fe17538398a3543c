// What every protocol's routes share: the model once it is loaded (until then a 503 that says so), its batcher, and
// the checks of the model name and version in a URL.
import type { ServingManifest } from "../../protocol/servingManifest";
import { BadRequest, type Instance } from "./instanceDecoding";
import { NPY_CONTENT_TYPE } from "./npyDecoding";
import type { PredictionBatcher } from "./predictionBatcher";
import type { PredictionRow, ServedModel } from "./servedModel";

export class ServingContext {
  model: ServedModel | undefined;
  /** Why the model could not be loaded: every request that needs it says so. */
  loadError: string | undefined;

  constructor(readonly batcher: PredictionBatcher) {}

  get ready(): boolean {
    return this.model !== undefined;
  }

  /** The model, or a 503 saying it is loading (or why it failed to load). */
  served(): ServedModel {
    if (this.model) return this.model;
    throw new BadRequest(this.loadError ? `the model failed to load: ${this.loadError}` : "the model is still loading; GET /ping answers 200 once it is ready", 503);
  }

  /** The model a URL names (and its version, when it names one); a 400 that names the served one for another. */
  named(name: string, version?: string): ServedModel {
    const model = this.served();
    const { manifest } = model;
    if (name !== manifest.name) throw new BadRequest(`there is no model "${name}" here; this server serves "${manifest.name}"`);
    if (version !== undefined && version !== manifest.version) throw new BadRequest(`model "${name}" has no version ${version}; it has version ${manifest.version}`);
    return model;
  }

  predict(instances: Instance[]): Promise<PredictionRow[]> {
    return this.batcher.predict(instances);
  }
}

/** A JSON object body, or a 400 that says what was expected. */
export function objectBody(body: unknown, expected: string): Record<string, unknown> {
  if (Buffer.isBuffer(body)) throw new BadRequest(`only POST /invocations takes ${NPY_CONTENT_TYPE}; send application/json here: ${expected}`, 415);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequest(`the body must be a JSON object: ${expected}`);
  return body as Record<string, unknown>;
}

/** A prediction row as TensorFlow Serving gives it: the value of a single output, else an object by output name. */
export function rowValue(row: PredictionRow, manifest: ServingManifest): unknown {
  return manifest.outputs.length === 1 ? row[0] : Object.fromEntries(manifest.outputs.map((output, k) => [output.name, row[k]]));
}
