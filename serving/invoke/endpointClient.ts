// Calls an endpoint and times it. A local endpoint (tfjs-studio serve, the container) is a URL: its base URL means
// SageMaker's POST /invocations, a full path (/v1/models/NAME:predict, /v2/models/NAME/infer) that protocol.
// A SageMaker endpoint is a name, called through SageMaker Runtime's InvokeEndpoint with the SDK's credentials.
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { ENDPOINT_NAME_PATTERN } from "../deploy/sagemaker/deployRequest";
import { quietNodeVersionNotice } from "../deploy/sagemaker/awsClients";

export type EndpointTarget = { kind: "local"; url: URL } | { kind: "sagemaker"; name: string; region: string };

export interface EndpointRequest {
  /** Raw text for a text model, a JSON body, or one NumPy array (an .npy file's bytes) with the batch first. */
  text?: string;
  json?: unknown;
  npy?: Buffer;
}

export interface EndpointResponse {
  url: string;
  status: number;
  latencyMs: number;
  body: unknown;
}

/** A call that did not get a prediction: the endpoint's own error when it gave one. */
export class EndpointError extends Error {
  override name = "EndpointError";
}

/** A JSON request body from a file's text; a bare list is the instances. */
export function jsonRequest(text: string, source: string): EndpointRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new EndpointError(`${source} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return { json: Array.isArray(body) ? { instances: body } : body };
}

/** A URL is a local endpoint; a name is a SageMaker endpoint in `region`. */
export function parseEndpointTarget(text: string, region?: string): EndpointTarget {
  if (/^https?:\/\//i.test(text)) {
    try {
      return { kind: "local", url: new URL(text) };
    } catch (error) {
      throw new EndpointError(`${text} is not a valid URL`, { cause: error });
    }
  }
  if (!ENDPOINT_NAME_PATTERN.test(text)) {
    throw new EndpointError(`"${text}" is neither an http:// URL (a local endpoint, e.g. http://127.0.0.1:8080) nor a SageMaker endpoint name (letters, digits and hyphens)`);
  }
  if (!region) throw new EndpointError(`to call SageMaker endpoint ${text}, give its region: --region REGION (or set AWS_REGION)`);
  return { kind: "sagemaker", name: text, region };
}

export function invokeEndpoint(target: EndpointTarget, request: EndpointRequest, timeoutMs = 60_000): Promise<EndpointResponse> {
  return target.kind === "local" ? invokeLocal(target.url, request, timeoutMs) : invokeSageMaker(target, request, timeoutMs);
}

async function invokeSageMaker(target: { name: string; region: string }, request: EndpointRequest, timeoutMs: number): Promise<EndpointResponse> {
  const { contentType, body } = requestBody("/invocations", request);
  quietNodeVersionNotice();
  const client = new SageMakerRuntimeClient({ region: target.region });
  const started = performance.now();
  try {
    const response = await client.send(new InvokeEndpointCommand({ EndpointName: target.name, ContentType: contentType, Accept: "application/json", Body: Buffer.from(body) }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    const latencyMs = performance.now() - started;
    const text = Buffer.from(response.Body ?? new Uint8Array()).toString("utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new EndpointError(`SageMaker endpoint ${target.name} answered with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    return { url: `sagemaker:${target.region}/${target.name}`, status: 200, latencyMs, body: parsed };
  } catch (error) {
    if (error instanceof EndpointError) throw error;
    throw new EndpointError(`SageMaker endpoint ${target.name} in ${target.region}: ${(error as Error).name}: ${(error as Error).message}`, { cause: error });
  } finally {
    client.destroy();
  }
}

async function invokeLocal(target: URL, request: EndpointRequest, timeoutMs: number): Promise<EndpointResponse> {
  const url = new URL(target);
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/invocations";
  const { contentType, body } = requestBody(url.pathname, request);
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { "content-type": contentType }, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as Error).cause as (Error & { code?: string }) | undefined;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new EndpointError(`no answer from ${url.href} (${reason}): is the endpoint running? Start one with tfjs-studio serve MODEL.tar.gz`, { cause: error });
  }
  const text = await response.text();
  const latencyMs = performance.now() - started;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EndpointError(`${url.href} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    const message = typeof parsed === "object" && parsed !== null && "error" in parsed ? String(parsed.error) : text.slice(0, 500);
    throw new EndpointError(`${url.href} answered ${response.status}: ${message}`);
  }
  return { url: url.href, status: response.status, latencyMs, body: parsed };
}

/** SageMaker's /invocations takes raw text as it is; the other protocols take it as an instance of a JSON body. */
function requestBody(pathname: string, request: EndpointRequest): { contentType: string; body: string | Buffer } {
  if (request.npy !== undefined) {
    if (!pathname.endsWith("/invocations")) throw new EndpointError(`an .npy array goes to SageMaker's /invocations only; ${pathname} takes JSON`);
    return { contentType: "application/x-npy", body: request.npy };
  }
  if (request.text === undefined) return { contentType: "application/json", body: JSON.stringify(request.json) };
  if (pathname.endsWith("/invocations")) return { contentType: "text/plain", body: request.text };
  if (/\/infer$/.test(pathname)) return { contentType: "application/json", body: JSON.stringify({ inputs: [{ name: "text", shape: [1], datatype: "BYTES", data: [request.text] }] }) };
  return { contentType: "application/json", body: JSON.stringify({ instances: [request.text] }) };
}
