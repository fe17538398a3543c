// A small fake of the SageMaker, SageMaker Runtime, Application Auto Scaling and CloudWatch Logs APIs on
// 127.0.0.1, speaking their real wire formats (awsJson1_1 with X-Amz-Target; restJson1 for the runtime), for the
// real AWS SDK clients pointed at it through AWS_ENDPOINT_URL. Endpoints move Creating → InService (or Failed)
// after an injected delay; InvokeEndpoint forwards to a real `tfjs-studio serve`.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeCall {
  operation: string;
  input: Record<string, unknown>;
}

interface FakeEndpoint {
  name: string;
  arn: string;
  status: string;
  configName: string;
  created: number;
  failureReason?: string;
  tags: { Key: string; Value: string }[];
}

export interface FakeAwsOptions {
  /** How long an endpoint stays Creating (or Updating). */
  transitionMs: number;
  /** Where InvokeEndpoint goes: a local `tfjs-studio serve`. */
  serveUrl?: string;
}

export class FakeAws {
  readonly calls: FakeCall[] = [];
  readonly models = new Map<string, Record<string, unknown>>();
  readonly configs = new Map<string, Record<string, unknown>>();
  readonly endpoints = new Map<string, FakeEndpoint>();
  readonly scalableTargets = new Map<string, Record<string, unknown>>();
  readonly scalingPolicies: Record<string, unknown>[] = [];
  readonly logs = new Map<string, string[]>();
  /** Operations that fail once with a ThrottlingException, which the SDK must retry. */
  readonly throttleOnce = new Set<string>();
  /** The next endpoint to settle fails with this reason (and these log lines) instead of coming InService. */
  failNext: { reason: string; logLines: string[] } | undefined;
  private server!: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  url = "";

  constructor(readonly options: FakeAwsOptions) {}

  async start(): Promise<string> {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  operations(): string[] {
    return this.calls.map((call) => call.operation);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const invocation = /^\/endpoints\/([^/]+)\/invocations$/.exec(request.url ?? "");
    if (invocation) return this.invoke(decodeURIComponent(invocation[1]), request, body, response);
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.slice(target.indexOf(".") + 1);
    const input = body.length > 0 ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
    this.calls.push({ operation, input });
    if (this.throttleOnce.delete(operation)) return sendError(response, "ThrottlingException", "Rate exceeded");
    try {
      sendJson(response, 200, this.answer(operation, input));
    } catch (error) {
      if (error instanceof FakeError) return sendError(response, error.type, error.message);
      throw error;
    }
  }

  private answer(operation: string, input: Record<string, unknown>): unknown {
    const name = (key: string) => String(input[key]);
    switch (operation) {
      case "CreateModel":
        this.models.set(name("ModelName"), input);
        return { ModelArn: `arn:aws:sagemaker:us-east-1:123456789012:model/${name("ModelName")}` };
      case "CreateEndpointConfig":
        this.configs.set(name("EndpointConfigName"), input);
        return { EndpointConfigArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${name("EndpointConfigName")}` };
      case "CreateEndpoint": {
        if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name("EndpointName"))) throw new FakeError("ValidationException", `1 validation error detected: Value '${name("EndpointName")}' at 'endpointName' failed to satisfy constraint`);
        const endpoint: FakeEndpoint = {
          name: name("EndpointName"),
          arn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${name("EndpointName").toLowerCase()}`,
          status: "Creating",
          configName: name("EndpointConfigName"),
          created: Date.now() / 1000,
          tags: (input.Tags as FakeEndpoint["tags"] | undefined) ?? [],
        };
        this.endpoints.set(endpoint.name, endpoint);
        this.settleLater(endpoint, endpoint.configName);
        return { EndpointArn: endpoint.arn };
      }
      case "UpdateEndpoint": {
        const endpoint = this.endpoint(name("EndpointName"));
        endpoint.status = "Updating";
        this.settleLater(endpoint, name("EndpointConfigName"));
        return { EndpointArn: endpoint.arn };
      }
      case "DescribeEndpoint": {
        const endpoint = this.endpoint(name("EndpointName"));
        const config = this.configs.get(endpoint.configName);
        const variant = (config?.ProductionVariants as Record<string, unknown>[] | undefined)?.[0] ?? {};
        return {
          EndpointName: endpoint.name,
          EndpointArn: endpoint.arn,
          EndpointConfigName: endpoint.configName,
          EndpointStatus: endpoint.status,
          CreationTime: endpoint.created,
          LastModifiedTime: endpoint.created,
          ...(endpoint.failureReason ? { FailureReason: endpoint.failureReason } : {}),
          ProductionVariants: [
            variant.ServerlessConfig
              ? { VariantName: "AllTraffic", CurrentServerlessConfig: variant.ServerlessConfig }
              : { VariantName: "AllTraffic", CurrentInstanceCount: variant.InitialInstanceCount },
          ],
        };
      }
      case "DescribeEndpointConfig": {
        const config = this.configs.get(name("EndpointConfigName"));
        if (!config) throw new FakeError("ValidationException", `Could not find endpoint configuration "${name("EndpointConfigName")}".`);
        return { ...config, EndpointConfigArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${name("EndpointConfigName")}`, CreationTime: Date.now() / 1000 };
      }
      case "ListEndpoints":
        return {
          Endpoints: [...this.endpoints.values()].map((endpoint) => ({ EndpointName: endpoint.name, EndpointArn: endpoint.arn, EndpointStatus: endpoint.status, CreationTime: endpoint.created, LastModifiedTime: endpoint.created })),
        };
      case "ListTags": {
        const endpoint = [...this.endpoints.values()].find((candidate) => candidate.arn === input.ResourceArn);
        return { Tags: endpoint?.tags ?? [] };
      }
      case "DeleteEndpoint":
        this.endpoint(name("EndpointName"));
        this.endpoints.delete(name("EndpointName"));
        return {};
      case "DeleteEndpointConfig":
        this.configs.delete(name("EndpointConfigName"));
        return {};
      case "DeleteModel":
        this.models.delete(name("ModelName"));
        return {};
      case "RegisterScalableTarget":
        this.scalableTargets.set(name("ResourceId"), input);
        return { ScalableTargetARN: `arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/${name("ResourceId")}` };
      case "PutScalingPolicy":
        this.scalingPolicies.push(input);
        return { PolicyARN: "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:policy", Alarms: [] };
      case "DeregisterScalableTarget":
        if (!this.scalableTargets.delete(name("ResourceId"))) throw new FakeError("ObjectNotFoundException", "No scalable target registered");
        return {};
      case "DescribeLogStreams": {
        if (!this.logs.has(name("logGroupName"))) throw new FakeError("ResourceNotFoundException", "The specified log group does not exist.");
        return { logStreams: [{ logStreamName: "AllTraffic/i-0123456789abcdef0", lastEventTimestamp: Date.now() }] };
      }
      case "GetLogEvents": {
        const lines = this.logs.get(name("logGroupName")) ?? [];
        const limit = Number(input.limit ?? 10_000);
        return { events: lines.slice(-limit).map((message, index) => ({ timestamp: Date.now() + index, message, ingestionTime: Date.now() })) };
      }
      default:
        throw new FakeError("UnknownOperationException", `the fake does not know ${operation}`);
    }
  }

  private endpoint(name: string): FakeEndpoint {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) throw new FakeError("ValidationException", `Could not find endpoint "${name}".`);
    return endpoint;
  }

  private settleLater(endpoint: FakeEndpoint, configName: string): void {
    const failure = this.failNext;
    this.failNext = undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (failure) {
        endpoint.status = "Failed";
        endpoint.failureReason = failure.reason;
        this.logs.set(`/aws/sagemaker/Endpoints/${endpoint.name}`, failure.logLines);
      } else {
        endpoint.status = "InService";
        endpoint.configName = configName;
      }
    }, this.options.transitionMs);
    this.timers.add(timer);
  }

  private async invoke(name: string, request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): Promise<void> {
    this.calls.push({ operation: "InvokeEndpoint", input: { EndpointName: name, ContentType: request.headers["content-type"] } });
    const endpoint = this.endpoints.get(name);
    if (!endpoint || endpoint.status !== "InService" || !this.options.serveUrl) {
      response.writeHead(400, { "content-type": "application/json", "x-amzn-errortype": "ValidationError" });
      return void response.end(JSON.stringify({ message: `Endpoint ${name} of account 123456789012 not found.` }));
    }
    const answer = await fetch(`${this.options.serveUrl}/invocations`, { method: "POST", headers: { "content-type": String(request.headers["content-type"]) }, body });
    const text = await answer.text();
    if (!answer.ok) {
      response.writeHead(424, { "content-type": "application/json", "x-amzn-errortype": "ModelError" });
      return void response.end(JSON.stringify({ message: `Received client error (${answer.status}) from primary with message "${text}"`, OriginalStatusCode: answer.status }));
    }
    response.writeHead(200, { "content-type": answer.headers.get("content-type") ?? "application/json", "x-amzn-invoked-production-variant": "AllTraffic" });
    response.end(text);
  }
}

class FakeError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": crypto.randomUUID() });
  response.end(JSON.stringify(body));
}

function sendError(response: http.ServerResponse, type: string, message: string): void {
  response.writeHead(400, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": crypto.randomUUID(), "x-amzn-errortype": type });
  response.end(JSON.stringify({ __type: type, message }));
}
