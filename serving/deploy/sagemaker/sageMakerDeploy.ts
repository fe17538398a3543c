// A deploy to SageMaker, step by step, each reported: upload, CreateModel, CreateEndpointConfig, CreateEndpoint
// (or UpdateEndpoint when it exists), our own wait on DescribeEndpoint with status and elapsed time, autoscaling,
// and one test invocation. A failure says SageMaker's reason, the container's last log lines and a hint.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  UpdateEndpointCommand,
  type DescribeEndpointCommandOutput,
  type ProductionVariant,
  type Tag,
} from "@aws-sdk/client-sagemaker";
import { PutScalingPolicyCommand, RegisterScalableTargetCommand } from "@aws-sdk/client-application-auto-scaling";
import { readPackagedManifest } from "../../package/packagedManifest";
import { DeployCancelled, DeployError, type DeployOutcome, type DeployProgress } from "../deployProvider";
import { deploySteps } from "../deploySteps";
import { testInvocation } from "../testInvocation";
import { awsErrorCode, type AwsClients } from "./awsClients";
import { deployRequestProblems, type SageMakerDeployRequest } from "./deployRequest";
import { failureHint, recentLogLines } from "./failureDiagnosis";
import { checkBucketRegion, uploadPackage } from "./modelUpload";
import { capacityText, scalableResourceId, TAG_CREATED_AT, TAG_CREATED_BY, TAG_CREATED_BY_VALUE, VARIANT_NAME } from "./sageMakerNames";

export interface DeployTiming {
  /** Between DescribeEndpoint calls while the endpoint is Creating or Updating: doubling from the first to the most. */
  firstPollMs: number;
  maxPollMs: number;
  /** How often the elapsed time is reported between polls. */
  tickMs: number;
  /** The longest the wait goes on before it gives up (the endpoint is left as it is). */
  timeoutMs: number;
}

const DEFAULT_TIMING: DeployTiming = { firstPollMs: 1000, maxPollMs: 5000, tickMs: 1000, timeoutMs: 60 * 60_000 };

export async function deployToSageMaker(
  clients: AwsClients,
  request: SageMakerDeployRequest,
  progress: DeployProgress,
  signal?: AbortSignal,
  timing: DeployTiming = DEFAULT_TIMING,
): Promise<DeployOutcome> {
  const problems = deployRequestProblems(request);
  if (problems.length > 0) throw new DeployError(`cannot deploy: ${problems.join("; ")}`);
  const manifest = await readPackagedManifest(request.packagePath).catch((error: Error) => {
    throw new DeployError(error.message, {}, { cause: error });
  });
  const { step, stepSeconds } = deploySteps(progress, signal, (name) => new DeployCancelled(`cancelled before "${name}": ${cloudState(stepSeconds, request.endpointName)}`));
  const stamp = timestamp(new Date());
  const resourceName = `${request.endpointName.slice(0, 63 - stamp.length - 1)}-${stamp}`;
  const tags: Tag[] = [
    { Key: TAG_CREATED_BY, Value: TAG_CREATED_BY_VALUE },
    { Key: TAG_CREATED_AT, Value: new Date().toISOString() },
  ];

  await step("Checking the S3 bucket", () => checkBucketRegion(clients.s3, request.bucket, request.region));
  // Before anything is uploaded or created: SageMaker updates only an endpoint that is InService.
  const existing = await describeEndpoint(clients, request);
  const existingStatus = existing?.EndpointStatus;
  if (existingStatus && existingStatus !== "InService") {
    const what = existingStatus === "Failed" ? "delete it first" : "wait until it is InService, or delete it";
    throw new DeployError(`endpoint ${request.endpointName} exists and is ${existingStatus}, so it cannot be updated now: ${what} (tfjs-studio delete-endpoint ${request.endpointName} --region ${request.region})`);
  }

  const key = [request.prefix.replace(/\/+$/, ""), request.endpointName, stamp, "model.tar.gz"].filter(Boolean).join("/");
  const modelDataUrl = await step("Uploading model.tar.gz", () =>
    uploadPackage(clients.s3, request.packagePath, { bucket: request.bucket, key, region: request.region, kmsKeyId: request.kmsKeyId }, (percent) => progress.report("Uploading model.tar.gz", `${percent}%`), signal),
  );

  await step("Creating the model", () =>
    call("CreateModel", request, () =>
      clients.sageMaker.send(new CreateModelCommand({
        ModelName: resourceName,
        ExecutionRoleArn: request.roleArn,
        PrimaryContainer: { Image: request.image, ModelDataUrl: modelDataUrl, Environment: { TFJS_STUDIO_MODEL_NAME: manifest.name } },
        ...(request.vpc ? { VpcConfig: { Subnets: request.vpc.subnets, SecurityGroupIds: request.vpc.securityGroups } } : {}),
        EnableNetworkIsolation: request.networkIsolation,
        Tags: tags,
      })),
    ),
  );

  const variant: ProductionVariant = request.capacity.kind === "real-time"
    ? { VariantName: VARIANT_NAME, ModelName: resourceName, InstanceType: request.capacity.instanceType as ProductionVariant["InstanceType"], InitialInstanceCount: request.capacity.instanceCount }
    : { VariantName: VARIANT_NAME, ModelName: resourceName, ServerlessConfig: { MemorySizeInMB: request.capacity.memoryMb, MaxConcurrency: request.capacity.maxConcurrency } };
  await step("Creating the endpoint configuration", () =>
    call("CreateEndpointConfig", request, () =>
      clients.sageMaker.send(new CreateEndpointConfigCommand({
        EndpointConfigName: resourceName,
        ProductionVariants: [variant],
        // SageMaker encrypts a serverless endpoint's storage itself and refuses a key for it.
        ...(request.kmsKeyId && request.capacity.kind === "real-time" ? { KmsKeyId: request.kmsKeyId } : {}),
        Tags: tags,
      })),
    ),
  );

  const action = existing ? "updated" : "created";
  await step(existing ? "Updating the endpoint" : "Creating the endpoint", () =>
    call(existing ? "UpdateEndpoint" : "CreateEndpoint", request, () =>
      existing
        ? clients.sageMaker.send(new UpdateEndpointCommand({ EndpointName: request.endpointName, EndpointConfigName: resourceName }))
        : clients.sageMaker.send(new CreateEndpointCommand({ EndpointName: request.endpointName, EndpointConfigName: resourceName, Tags: tags })),
    ),
  );

  const described = await step("Waiting for the endpoint", () => waitForEndpoint(clients, request, progress, timing, stepSeconds, signal));

  if (request.autoscaling && request.capacity.kind === "real-time") {
    const scaling = request.autoscaling;
    await step("Registering autoscaling", async () => {
      const resourceId = scalableResourceId(request.endpointName);
      await call("RegisterScalableTarget", request, () =>
        clients.autoScaling.send(new RegisterScalableTargetCommand({
          ServiceNamespace: "sagemaker",
          ResourceId: resourceId,
          ScalableDimension: "sagemaker:variant:DesiredInstanceCount",
          MinCapacity: scaling.minInstances,
          MaxCapacity: scaling.maxInstances,
        })),
      );
      await call("PutScalingPolicy", request, () =>
        clients.autoScaling.send(new PutScalingPolicyCommand({
          PolicyName: `${request.endpointName}-invocations`,
          ServiceNamespace: "sagemaker",
          ResourceId: resourceId,
          ScalableDimension: "sagemaker:variant:DesiredInstanceCount",
          PolicyType: "TargetTrackingScaling",
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: scaling.targetInvocationsPerInstance,
            PredefinedMetricSpecification: { PredefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
          },
        })),
      );
    });
  }

  const testCall = await step("Testing the endpoint", () => testInvocation(manifest, { kind: "sagemaker", name: request.endpointName, region: request.region }, request.endpointName, "InService"));

  return {
    action,
    testInvocation: testCall,
    stepSeconds,
    endpoint: {
      provider: "sagemaker",
      name: request.endpointName,
      status: described.EndpointStatus ?? "InService",
      capacity: capacityText(request.capacity),
      createdAt: described.CreationTime,
      location: request.region,
      ours: true,
    },
  };
}

/** The endpoint as SageMaker describes it, or undefined when there is none of that name. */
async function describeEndpoint(clients: AwsClients, request: SageMakerDeployRequest): Promise<DescribeEndpointCommandOutput | undefined> {
  try {
    return await clients.sageMaker.send(new DescribeEndpointCommand({ EndpointName: request.endpointName }));
  } catch (error) {
    if (awsErrorCode(error) === "ValidationException" && /could not find endpoint/i.test((error as Error).message)) return undefined;
    throw apiError("DescribeEndpoint", request, error);
  }
}

/** Polls DescribeEndpoint until InService; reports the status and the time so far at each poll. */
async function waitForEndpoint(
  clients: AwsClients,
  request: SageMakerDeployRequest,
  progress: DeployProgress,
  timing: DeployTiming,
  stepSeconds: Record<string, number>,
  signal?: AbortSignal,
): Promise<DescribeEndpointCommandOutput> {
  const started = performance.now();
  let reported = "";
  const report = (status: string) => {
    const detail = `${status}, ${formatElapsed(performance.now() - started)}`;
    if (detail !== reported) progress.report("Waiting for the endpoint", detail);
    reported = detail;
  };
  for (let interval = timing.firstPollMs; ; interval = Math.min(interval * 2, timing.maxPollMs)) {
    const described = await describeEndpoint(clients, request);
    if (!described) throw new DeployError(`endpoint ${request.endpointName} disappeared while it was being deployed (deleted by someone else?)`);
    const status = described.EndpointStatus ?? "Unknown";
    const elapsedMs = performance.now() - started;
    report(status);
    if (status === "InService") return described;
    if (status === "Failed" || status === "OutOfService" || status === "RollingBack") {
      const reason = described.FailureReason ?? `the endpoint is ${status}`;
      const logLines = await recentLogLines(clients.logs, request.endpointName);
      const hint = failureHint(reason, request.roleArn);
      throw new DeployError(`endpoint ${request.endpointName} failed: ${reason}`, { reason, logLines, hint });
    }
    if (elapsedMs > timing.timeoutMs) {
      throw new DeployError(`endpoint ${request.endpointName} is still ${status} after ${formatElapsed(elapsedMs)}; it is left as it is. Watch it with tfjs-studio endpoints --region ${request.region}.`);
    }
    // Between polls the elapsed time still moves on screen, without API calls.
    for (const nextPoll = performance.now() + interval; performance.now() < nextPoll; report(status)) {
      try {
        await sleep(Math.min(timing.tickMs, nextPoll - performance.now()), undefined, { signal });
      } catch {
        throw new DeployCancelled(`stopped waiting: ${cloudState(stepSeconds, request.endpointName)} SageMaker goes on with it (${status}); delete it with tfjs-studio delete-endpoint ${request.endpointName} --region ${request.region}`);
      }
    }
  }
}

/** What a cancel leaves behind, from the steps that ran. */
function cloudState(stepSeconds: Record<string, number>, endpointName: string): string {
  const done = Object.keys(stepSeconds);
  if (done.some((name) => name.endsWith("the endpoint"))) return `endpoint ${endpointName} was already requested.`;
  if (done.length > 0) return `nothing runs yet (${done.join(", ")} done).`;
  return "nothing was created.";
}

async function call<T>(operation: string, request: SageMakerDeployRequest, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw apiError(operation, request, error);
  }
}

function apiError(operation: string, request: SageMakerDeployRequest, error: unknown): DeployError {
  const code = awsErrorCode(error);
  const message = (error as Error).message;
  if (code === undefined) return new DeployError(`${operation} failed: ${message}`, {}, { cause: error });
  const hint = failureHint(message, request.roleArn);
  return new DeployError(`${operation} failed: ${code}: ${message}`, { reason: message, ...(hint ? { hint } : {}) }, { cause: error });
}

export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}
