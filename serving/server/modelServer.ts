// The model server: one fastify app on one port with SageMaker's container contract, TensorFlow Serving's REST API
// and the Open Inference Protocol v2, dynamic batching, one log line a request and /metrics. It listens before the
// model is loaded, so /ping can say "not yet" (503) instead of refusing connections.
import Fastify, { LogController, type FastifyError, type FastifyInstance } from "fastify";
import { BadRequest } from "./instanceDecoding";
import { NPY_CONTENT_TYPE } from "./npyDecoding";
import { openInferenceRoutes } from "./openInferenceRoutes";
import { PredictionBatcher } from "./predictionBatcher";
import { runtimeApiError, sageMakerRoutes } from "./sageMakerRoutes";
import { loadServedModel, type ServedModel } from "./servedModel";
import { ServerMetrics } from "./serverMetrics";
import { ServingContext } from "./servingContext";
import { tfServingRoutes } from "./tfServingRoutes";

/** SageMaker's limit on an invocation's payload. */
export const DEFAULT_BODY_LIMIT = 6 * 1024 * 1024;

/** How long SIGTERM waits for requests in flight; SageMaker stops a container 30 s after its SIGTERM. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 25_000;

export interface ModelServerOptions {
  /** A model.tar.gz or a model folder. */
  source: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  maxBatch?: number;
  maxDelayMs?: number;
  bodyLimit?: number;
  drainTimeoutMs?: number;
  /** A TFJS_STUDIO_BACKEND value; the best backend when not given. */
  backend?: string;
  /** Where the request log goes: one JSON line a request. Off when false. */
  log?: NodeJS.WritableStream | false;
  /** How the model is loaded (tests hold it back to see the server while it loads). */
  load?: (source: string, backend?: string) => Promise<ServedModel>;
}

export interface RunningModelServer {
  url: string;
  app: FastifyInstance;
  /** Resolves once the model is loaded (rejects with why it could not be). */
  loaded: Promise<ServedModel>;
  /** Stops taking requests, answers those in flight, then frees the model. */
  close(): Promise<void>;
}

export async function startModelServer(options: ModelServerOptions): Promise<RunningModelServer> {
  let context!: ServingContext;
  const batcher = new PredictionBatcher({
    maxBatch: options.maxBatch ?? 32,
    maxDelayMs: options.maxDelayMs ?? 5,
    predict: (instances) => context.served().predict(instances),
    onBatch: (size) => metrics.batch(size),
  });
  context = new ServingContext(batcher);
  const metrics = new ServerMetrics(() => batcher.depth);
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: options.log === false ? false : { level: "info", stream: options.log ?? process.stdout },
    // One line a request, with its latency, from the onResponse hook below instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Requests that come while closing get a 503 and the connection is closed, so a load balancer moves on.
    return503OnClosing: true,
  });

  let closing = false;
  // Answers finished while draining close their connection, so the process does not wait out keep-alive (72 s).
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.request(route, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, "request");
  });
  app.setErrorHandler((error: FastifyError | BadRequest, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500 && !(error instanceof BadRequest)) request.log.error({ err: error }, "request failed");
    return reply.code(status).send(runtimeApiError(request, reply, status, describeError(error)));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url}; try POST /invocations, POST /v1/models/NAME:predict or POST /v2/models/NAME/infer` }),
  );
  app.addContentTypeParser(NPY_CONTENT_TYPE, { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  app.get("/metrics", async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  sageMakerRoutes(app, context);
  tfServingRoutes(app, context);
  openInferenceRoutes(app, context);

  const url = await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 8080 });
  const loaded = (options.load ?? loadServedModel)(options.source, options.backend).then(
    (model) => {
      context.model = model;
      app.log.info({ model: model.manifest.name, version: model.manifest.version, backend: model.backend }, "model ready");
      return model;
    },
    (error: Error) => {
      context.loadError = error.message;
      app.log.error({ err: error }, "the model failed to load");
      throw error;
    },
  );
  loaded.catch(() => {});
  return {
    url,
    app,
    loaded,
    close: async () => {
      closing = true;
      // A client that never finishes its request does not hold the exit up past the drain time.
      setTimeout(() => app.server.closeAllConnections(), options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS).unref();
      await app.close();
      context.model?.dispose();
    },
  };
}

/** Fastify's own errors (body too large, wrong content type, bad JSON) in words a caller can act on. */
function describeError(error: FastifyError | BadRequest): string {
  switch ((error as FastifyError).code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return `the body is larger than this server's limit; send fewer instances a request`;
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return `unsupported content type: send application/json, ${NPY_CONTENT_TYPE} (one array, batch first, to /invocations) or text/plain (the raw text, for a text model)`;
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return 'the body is empty: send JSON such as {"instances": [...]}';
    default:
      return error instanceof SyntaxError || (error as FastifyError).code === "FST_ERR_CTP_INVALID_JSON_BODY" ? `the body is not valid JSON (${error.message})` : error.message;
  }
}
