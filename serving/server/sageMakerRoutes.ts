// SageMaker's container contract: GET /ping is 200 once the model is loaded, POST /invocations predicts. The body is
// TensorFlow Serving's JSON ({"instances": [...]} or {"inputs": ...}), one NumPy array (application/x-npy, the SageMaker
// Python SDK's NumpySerializer), or, for a text model, the raw text itself.
// POST /endpoints/NAME/invocations is the same call as SageMaker's runtime API makes it, so the AWS SDKs (their
// InvokeEndpoint with the endpoint URL set to this server) work on a local endpoint as they will on the cloud one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { BadRequest } from "./instanceDecoding";
import { instancesFromNpy } from "./npyDecoding";
import { objectBody, rowValue, type ServingContext } from "./servingContext";
import type { ServedModel } from "./servedModel";

export const RUNTIME_API_ROUTE = "/endpoints/:name/invocations";

export function sageMakerRoutes(app: FastifyInstance, context: ServingContext): void {
  app.get("/ping", async (_request, reply) => {
    // Empty and fast: SageMaker calls it every few seconds and fails the endpoint on 2 s without an answer.
    if (!context.ready) return reply.code(503).send({ error: context.loadError ?? "the model is loading" });
    return reply.code(200).send("");
  });

  app.post("/invocations", async (request) => invoke(context.served(), request.body, context));
  app.post<{ Params: { name: string } }>(RUNTIME_API_ROUTE, async (request) => invoke(context.named(request.params.name), request.body, context));
}

/** The runtime API's error shape, which the AWS SDKs read: the error type in a header and the text in "message". */
export function runtimeApiError(request: FastifyRequest, reply: FastifyReply, status: number, message: string): Record<string, string> {
  if (request.routeOptions.url !== RUNTIME_API_ROUTE) return { error: message };
  reply.header("x-amzn-errortype", status === 503 ? "ServiceUnavailable" : status >= 500 ? "InternalFailure" : "ValidationError");
  return { error: message, message };
}

async function invoke(model: ServedModel, body: unknown, context: ServingContext) {
  const { manifest, decoder } = model;
  let instances;
  if (Buffer.isBuffer(body)) {
    instances = instancesFromNpy(body, decoder.inputs, decoder.scale);
  } else if (typeof body === "string") {
    if (manifest.preprocessing.kind !== "text") throw new BadRequest("a text/plain body is raw text, which only a text model takes; send application/json with {\"instances\": [...]}");
    if (body.trim() === "") throw new BadRequest("the body is empty: send the text to classify");
    instances = [decoder.instance(body, "the body")];
  } else {
    const request = objectBody(body, '{"instances": [...]} or {"inputs": ...}');
    if ("instances" in request) instances = decoder.fromRows(request.instances, "instances");
    else if ("inputs" in request) instances = decoder.fromColumns(request.inputs, "inputs");
    else throw new BadRequest('the body must have "instances" (one entry an instance) or "inputs" (columns with the batch first)');
  }
  const rows = await context.predict(instances);
  return { predictions: rows.map((row) => rowValue(row, manifest)), ...(manifest.labels ? { labels: manifest.labels } : {}) };
}
