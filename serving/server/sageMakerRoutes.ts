// SageMaker's container contract: GET /ping is 200 once the model is loaded, POST /invocations predicts. The body is
// TensorFlow Serving's JSON ({"instances": [...]} or {"inputs": ...}), or, for a text model, the raw text itself.
import type { FastifyInstance } from "fastify";
import { BadRequest } from "./instanceDecoding";
import { objectBody, rowValue, type ServingContext } from "./servingContext";

export function sageMakerRoutes(app: FastifyInstance, context: ServingContext): void {
  app.get("/ping", async (_request, reply) => {
    // Empty and fast: SageMaker calls it every few seconds and fails the endpoint on 2 s without an answer.
    if (!context.ready) return reply.code(503).send({ error: context.loadError ?? "the model is loading" });
    return reply.code(200).send("");
  });

  app.post("/invocations", async (request) => {
    const model = context.served();
    const { manifest, decoder } = model;
    let instances;
    if (typeof request.body === "string") {
      if (manifest.preprocessing.kind !== "text") throw new BadRequest("a text/plain body is raw text, which only a text model takes; send application/json with {\"instances\": [...]}");
      if (request.body.trim() === "") throw new BadRequest("the body is empty: send the text to classify");
      instances = [decoder.instance(request.body, "the body")];
    } else {
      const body = objectBody(request.body, '{"instances": [...]} or {"inputs": ...}');
      if ("instances" in body) instances = decoder.fromRows(body.instances, "instances");
      else if ("inputs" in body) instances = decoder.fromColumns(body.inputs, "inputs");
      else throw new BadRequest('the body must have "instances" (one entry an instance) or "inputs" (columns with the batch first)');
    }
    const rows = await context.predict(instances);
    return { predictions: rows.map((row) => rowValue(row, manifest)), ...(manifest.labels ? { labels: manifest.labels } : {}) };
  });
}
