// Deploying to SageMaker with the real AWS SDK clients, pointed through AWS_ENDPOINT_URL_<SERVICE> at local servers:
// s3rver for S3, and test/support/fakeAws.ts for SageMaker, its runtime (forwarding to a real `tfjs-studio serve`),
// Application Auto Scaling and CloudWatch Logs.
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DeployCancelled, DeployError, type DeployProgress } from "../serving/deploy/deployProvider";
import type { SageMakerDeployRequest } from "../serving/deploy/sagemaker/deployRequest";
import { uploadPackage } from "../serving/deploy/sagemaker/modelUpload";
import { SageMakerProvider } from "../serving/deploy/sagemaker/sageMakerProvider";
import { inspectModelDir } from "../serving/package/modelPackage";
import { writeModelPackage } from "../serving/package/writeModelPackage";
import { startModelServer, type RunningModelServer } from "../serving/server/modelServer";
import { registerFileSystemIO } from "../tfjs/io/fileSystemIO";
import { runCli } from "./support/cli";
import type { FakeAws } from "./support/fakeAws";
import { startFakeCloud, type FakeCloud } from "./support/fakeCloud";

const SHAPES = ["circle", "square", "triangle"];
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tfjs-studio:1";
const ROLE = "arn:aws:iam::123456789012:role/SageMakerExecution";
const FAST = { firstPollMs: 50, maxPollMs: 200, tickMs: 50, timeoutMs: 30_000 };

describe("deploy to SageMaker (against s3rver and a fake of the SageMaker APIs)", function () {
  this.timeout(120_000);
  let work: string;
  let archive: string;
  let server: RunningModelServer;
  let cloud: FakeCloud;
  let fake: FakeAws;
  let env: NodeJS.ProcessEnv;
  const savedEnv = { ...process.env };

  const request = (overrides: Partial<SageMakerDeployRequest> = {}): SageMakerDeployRequest => ({
    packagePath: archive,
    endpointName: "shapes",
    region: "us-east-1",
    bucket: "models",
    prefix: "tfjs-studio",
    roleArn: ROLE,
    image: IMAGE,
    capacity: { kind: "real-time", instanceType: "ml.m5.large", instanceCount: 1 },
    networkIsolation: false,
    ...overrides,
  });

  function recorder(): DeployProgress & { lines: string[] } {
    const lines: string[] = [];
    return { lines, report: (step, detail) => void lines.push(detail ? `${step}: ${detail}` : step) };
  }

  async function deploy(overrides: Partial<SageMakerDeployRequest> = {}, signal?: AbortSignal) {
    const provider = new SageMakerProvider("us-east-1", FAST);
    const progress = recorder();
    try {
      return { outcome: await provider.deploy(request(overrides), progress, signal), progress };
    } finally {
      provider.close();
    }
  }

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-sagemaker-"));
    await tf.setBackend("cpu");
    if (tf.io.getSaveHandlers(`file://${work}`).length === 0) registerFileSystemIO(tf, work);
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 3, activation: "softmax" })] });
    await model.save(`file://${path.join(work, "shapes")}`);
    model.dispose();
    fs.writeFileSync(path.join(work, "shapes", "labels.json"), JSON.stringify(SHAPES));
    archive = path.join(work, "shapes.tar.gz");
    await writeModelPackage(await inspectModelDir(tf, path.join(work, "shapes"), { scale: 1 / 255 }), archive);
    server = await startModelServer({ source: archive, port: 0, log: false });
    await server.loaded;

    cloud = await startFakeCloud(work, { transitionMs: 300, serveUrl: server.url });
    fake = cloud.fake;
    env = cloud.env;
    Object.assign(process.env, env);
  });

  after(async () => {
    process.env = savedEnv;
    await server?.close();
    await cloud?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    fake.calls.length = 0;
    fake.endpoints.clear();
  });

  it("creates an endpoint step by step, with progress, tags and a test invocation that returns a real prediction", async () => {
    const { outcome, progress } = await deploy();
    assert.equal(outcome.action, "created");
    assert.equal(outcome.endpoint.status, "InService");
    assert.deepEqual(fake.operations(), ["DescribeEndpoint", "CreateModel", "CreateEndpointConfig", "CreateEndpoint", ...fake.operations().slice(4, -1), "InvokeEndpoint"]);
    assert.ok(fake.operations().slice(4, -1).every((operation) => operation === "DescribeEndpoint"), fake.operations().join(", "));
    const steps = progress.lines.map((line) => line.split(":")[0]);
    assert.deepEqual([...new Set(steps)], ["Checking the S3 bucket", "Uploading model.tar.gz", "Creating the model", "Creating the endpoint configuration", "Creating the endpoint", "Waiting for the endpoint", "Testing the endpoint"]);
    assert.ok(progress.lines.includes("Uploading model.tar.gz: 100%"), progress.lines.join("\n"));
    assert.ok(progress.lines.some((line) => /^Waiting for the endpoint: Creating, \d+ s$/.test(line)), progress.lines.join("\n"));
    assert.ok(progress.lines.some((line) => /^Waiting for the endpoint: InService, \d+ s$/.test(line)));

    const model = fake.calls.find((call) => call.operation === "CreateModel")!.input as { ModelName: string; PrimaryContainer: { Image: string; ModelDataUrl: string }; Tags: { Key: string; Value: string }[] };
    assert.equal(model.PrimaryContainer.Image, IMAGE);
    assert.match(model.PrimaryContainer.ModelDataUrl, /^s3:\/\/models\/tfjs-studio\/shapes\/\d{8}-\d{6}\/model\.tar\.gz$/);
    const key = model.PrimaryContainer.ModelDataUrl.replace("s3://models/", "");
    const s3 = new S3Client({ region: "us-east-1" });
    const head = await s3.send(new HeadObjectCommand({ Bucket: "models", Key: key }));
    s3.destroy();
    assert.equal(head.ContentLength, fs.statSync(archive).size, "the package is in S3, whole");
    for (const operation of ["CreateModel", "CreateEndpointConfig", "CreateEndpoint"]) {
      const tags = (fake.calls.find((call) => call.operation === operation)!.input.Tags as { Key: string; Value: string }[]).map((tag) => tag.Key);
      assert.deepEqual(tags, ["created-by", "created-at"], `${operation} tags`);
    }

    const expected = await (await fetch(`${server.url}/invocations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ instances: [Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => [0]))] }) })).json();
    assert.deepEqual(outcome.testInvocation?.body, expected, "the test invocation went through SageMaker's runtime to the model");
  });

  it("updates an endpoint that exists to the new model, with a new configuration", async () => {
    await deploy();
    fake.calls.length = 0;
    const { outcome, progress } = await deploy();
    assert.equal(outcome.action, "updated");
    assert.ok(fake.operations().includes("UpdateEndpoint") && !fake.operations().includes("CreateEndpoint"), fake.operations().join(", "));
    assert.ok(progress.lines.some((line) => /^Waiting for the endpoint: Updating, \d+ s$/.test(line)), progress.lines.join("\n"));
    const configName = fake.calls.find((call) => call.operation === "UpdateEndpoint")!.input.EndpointConfigName as string;
    assert.equal(fake.endpoints.get("shapes")!.configName, configName);
  });

  it("says why a failed endpoint failed: SageMaker's reason, the container's last log lines and a hint", async () => {
    const logLines = ["tfjs-studio serve: loading /opt/ml/model", "Error: ENOENT: no such file or directory, open '/opt/ml/model/model.json'"];
    fake.failNext = { reason: "The primary container for production variant AllTraffic did not pass the ping health check. Please check CloudWatch logs for this endpoint.", logLines };
    const failed = await deploy({ endpointName: "broken" }).then(() => undefined, (error: unknown) => error);
    assert.ok(failed instanceof DeployError, String(failed));
    assert.match(failed.message, /endpoint broken failed: The primary container .* did not pass the ping health check/);
    assert.deepEqual(failed.details.logLines, logLines);
    assert.match(failed.details.hint ?? "", /model\.json sits at the root of model\.tar\.gz.*port 8080.*"serve" argument/);
  });

  it("refuses to update an endpoint that is not InService before creating anything, and says what to do", async () => {
    fake.failNext = { reason: "The primary container for production variant AllTraffic did not pass the ping health check.", logLines: [] };
    await deploy({ endpointName: "failed-before" }).catch(() => undefined);
    fake.calls.length = 0;
    const refused = await deploy({ endpointName: "failed-before" }).then(() => undefined, (error: unknown) => error);
    assert.ok(refused instanceof DeployError);
    assert.match(refused.message, /endpoint failed-before exists and is Failed, so it cannot be updated now: delete it first \(tfjs-studio delete-endpoint failed-before --region us-east-1\)/);
    assert.deepEqual(fake.operations(), ["DescribeEndpoint"]);
  });

  it("stops waiting when cancelled, and says the endpoint goes on and how to delete it", async () => {
    fake.options.transitionMs = 60_000;
    const cancel = new AbortController();
    const progress = recorder();
    const provider = new SageMakerProvider("us-east-1", FAST);
    const report = progress.report;
    progress.report = (step, detail) => {
      report(step, detail);
      if (detail?.startsWith("Creating")) cancel.abort();
    };
    try {
      const cancelled = await provider.deploy(request({ endpointName: "slow" }), progress, cancel.signal).then(() => undefined, (error: unknown) => error);
      assert.ok(cancelled instanceof DeployCancelled, String(cancelled));
      assert.match(cancelled.message, /SageMaker goes on with it \(Creating\); delete it with tfjs-studio delete-endpoint slow --region us-east-1/);
    } finally {
      provider.close();
      fake.options.transitionMs = 300;
    }
  });

  it("registers autoscaling, and passes the VPC, the KMS key and network isolation to SageMaker", async () => {
    const kmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    await deploy({
      capacity: { kind: "real-time", instanceType: "ml.c5.xlarge", instanceCount: 2 },
      autoscaling: { minInstances: 2, maxInstances: 6, targetInvocationsPerInstance: 700 },
      vpc: { subnets: ["subnet-0a1b2c"], securityGroups: ["sg-0123abc"] },
      kmsKeyId,
      networkIsolation: true,
    });
    const input = (operation: string) => fake.calls.find((call) => call.operation === operation)!.input;
    assert.deepEqual(input("CreateModel").VpcConfig, { Subnets: ["subnet-0a1b2c"], SecurityGroupIds: ["sg-0123abc"] });
    assert.equal(input("CreateModel").EnableNetworkIsolation, true);
    assert.equal(input("CreateEndpointConfig").KmsKeyId, kmsKeyId);
    assert.deepEqual(input("CreateEndpointConfig").ProductionVariants, [{ VariantName: "AllTraffic", ModelName: input("CreateModel").ModelName, InstanceType: "ml.c5.xlarge", InitialInstanceCount: 2 }]);
    assert.deepEqual(input("RegisterScalableTarget"), { ServiceNamespace: "sagemaker", ResourceId: "endpoint/shapes/variant/AllTraffic", ScalableDimension: "sagemaker:variant:DesiredInstanceCount", MinCapacity: 2, MaxCapacity: 6 });
    const policy = input("PutScalingPolicy") as { PolicyType: string; TargetTrackingScalingPolicyConfiguration: { TargetValue: number; PredefinedMetricSpecification: { PredefinedMetricType: string } } };
    assert.equal(policy.PolicyType, "TargetTrackingScaling");
    assert.equal(policy.TargetTrackingScalingPolicyConfiguration.TargetValue, 700);
    assert.equal(policy.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType, "SageMakerVariantInvocationsPerInstance");
  });

  it("uploads with SSE-KMS when a KMS key is given", async () => {
    const kmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const s3 = new S3Client({ region: "us-east-1" });
    // s3rver does not keep encryption headers, so they are read as they leave the SDK.
    const sent: Record<string, string>[] = [];
    s3.middlewareStack.add((next) => (args) => {
      sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
      return next(args);
    }, { step: "finalizeRequest" });
    try {
      await uploadPackage(s3, archive, { bucket: "models", key: "kms/model.tar.gz", region: "us-east-1", kmsKeyId }, () => {});
    } finally {
      s3.destroy();
    }
    assert.ok(sent.some((headers) => headers["x-amz-server-side-encryption"] === "aws:kms" && headers["x-amz-server-side-encryption-aws-kms-key-id"] === kmsKeyId), JSON.stringify(sent));
  });

  it("deploys a serverless endpoint with its memory and concurrency", async () => {
    const { outcome } = await deploy({ endpointName: "shapes-serverless", capacity: { kind: "serverless", memoryMb: 2048, maxConcurrency: 10 } });
    const config = fake.calls.find((call) => call.operation === "CreateEndpointConfig")!.input as { ProductionVariants: Record<string, unknown>[] };
    assert.deepEqual(config.ProductionVariants[0].ServerlessConfig, { MemorySizeInMB: 2048, MaxConcurrency: 10 });
    assert.equal(outcome.endpoint.capacity, "serverless 2048 MB, 10 concurrent");
  });

  it("retries a throttled call, as the SDK does, and the deploy goes on", async () => {
    fake.throttleOnce.add("CreateModel");
    await deploy();
    assert.deepEqual(fake.operations().slice(1, 4), ["CreateModel", "CreateModel", "CreateEndpointConfig"]);
  });

  it("refuses bad settings before any call, each problem named", async () => {
    const refused = await deploy({
      endpointName: "my_endpoint",
      image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/tfjs-studio:1",
      capacity: { kind: "serverless", memoryMb: 1500, maxConcurrency: 5 },
      autoscaling: { minInstances: 1, maxInstances: 2, targetInvocationsPerInstance: 100 },
    }).then(() => undefined, (error: unknown) => error);
    assert.ok(refused instanceof DeployError);
    assert.match(refused.message, /endpoint name "my_endpoint" is not allowed/);
    assert.match(refused.message, /is in eu-west-1, but the endpoint goes to us-east-1/);
    assert.match(refused.message, /serverless memory 1500 MB must be one of 1024, 2048/);
    assert.match(refused.message, /autoscaling is for real-time endpoints/);
    assert.deepEqual(fake.calls, [], "no API was called");
  });

  it("refuses a bucket in another region than the endpoint before uploading", async () => {
    const provider = new SageMakerProvider("eu-west-1", FAST);
    try {
      const refused = await provider.deploy(request({ image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/tfjs-studio:1" }), recorder()).then(() => undefined, (error: unknown) => error);
      assert.ok(refused instanceof DeployError);
      assert.match(refused.message, /S3 bucket models is in us-east-1, but the endpoint goes to eu-west-1/);
      assert.deepEqual(fake.calls, []);
    } finally {
      provider.close();
    }
  });

  it("uploads a large package in parts, reporting the percent as they complete", async () => {
    const large = path.join(work, "large.tar.gz");
    fs.writeFileSync(large, crypto.randomBytes(12 * 1024 * 1024));
    const s3 = new S3Client({ region: "us-east-1" });
    const percents: number[] = [];
    try {
      const url = await uploadPackage(s3, large, { bucket: "models", key: "large/model.tar.gz", region: "us-east-1" }, (percent) => percents.push(percent));
      assert.equal(url, "s3://models/large/model.tar.gz");
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: "models", Key: "large/model.tar.gz" }))).ContentLength, 12 * 1024 * 1024);
    } finally {
      s3.destroy();
    }
    assert.ok(percents.length >= 3 && percents.at(-1) === 100, `percents: ${percents.join(", ")}`);
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b));

    // Cancelled after the first part: a cancel, not an upload error.
    const cancel = new AbortController();
    const s3Again = new S3Client({ region: "us-east-1" });
    try {
      const cancelled = await uploadPackage(s3Again, large, { bucket: "models", key: "large/cancelled.tar.gz", region: "us-east-1" }, () => cancel.abort(), cancel.signal).then(() => undefined, (error: unknown) => error);
      assert.ok(cancelled instanceof DeployCancelled, String(cancelled));
      assert.match(cancelled.message, /cancelled during the upload: nothing was created/);
    } finally {
      s3Again.destroy();
    }
  });

  describe("the command line", () => {
    it("deploy sagemaker prints progress lines, the endpoint and the test prediction", async () => {
      const { code, stdout, stderr } = await runCli(["deploy", "sagemaker", archive, "--name", "shapes-cli", "--bucket", "models", "--role", ROLE, "--image", IMAGE, "--instance-type", "ml.m5.large"], { env: { ...process.env, ...env }, killAfterMs: 60_000 });
      assert.equal(code, 0, stderr);
      assert.match(stderr, /^Uploading model\.tar\.gz: 100%$/m);
      assert.match(stderr, /^Waiting for the endpoint: InService, \d+ s$/m);
      assert.match(stdout, /Endpoint shapes-cli created in us-east-1 \(ml\.m5\.large × 1\): InService/);
      assert.match(stdout, /Test invocation, \d+ ms:\n\[0\] (circle|square|triangle) 0\.\d+/);
      assert.doesNotMatch(stderr, /NodeVersionSupportWarning|S3RVER/, "no SDK notice and no credentials in the output");

      const request = path.join(work, "request.json");
      fs.writeFileSync(request, JSON.stringify([Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => [255]))]));
      const invoked = await runCli(["invoke", "shapes-cli", "--data", request], { env: { ...process.env, ...env } });
      assert.equal(invoked.code, 0, invoked.stderr);
      assert.match(invoked.stdout, /^\[0\] (circle|square|triangle) 0\.\d+ · /);
      assert.match(invoked.stderr, /^sagemaker:us-east-1\/shapes-cli: 200 in [\d.]+ ms$/m);
      assert.doesNotMatch(invoked.stderr, /NodeVersionSupportWarning/);
      const gone = await runCli(["invoke", "no-such-endpoint", "--data", request], { env: { ...process.env, ...env } });
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /SageMaker endpoint no-such-endpoint in us-east-1: ValidationError: Endpoint no-such-endpoint of account 123456789012 not found/);
    });

    it("lists the endpoints it deployed with status and capacity, and deletes one with its configuration, model and autoscaling", async () => {
      await deploy({ endpointName: "to-delete", autoscaling: { minInstances: 1, maxInstances: 3, targetInvocationsPerInstance: 100 } });
      const listed = await runCli(["endpoints"], { env: { ...process.env, ...env } });
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^to-delete {2}InService {2}ml\.m5\.large × 1 {2}us-east-1, up \d+ s$/m);
      const config = fake.endpoints.get("to-delete")!.configName;
      const modelName = (fake.configs.get(config)!.ProductionVariants as { ModelName: string }[])[0].ModelName;

      const refused = await runCli(["delete-endpoint", "to-delete"], { env: { ...process.env, ...env } });
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /add --yes/);
      assert.ok(fake.endpoints.has("to-delete"), "nothing deleted without a yes");

      const deleted = await runCli(["delete-endpoint", "to-delete", "--yes"], { env: { ...process.env, ...env } });
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.ok(!fake.endpoints.has("to-delete") && !fake.configs.has(config) && !fake.models.has(modelName), "endpoint, configuration and model are gone");
      assert.ok(!fake.scalableTargets.has("endpoint/to-delete/variant/AllTraffic"), "autoscaling is gone");

      const missing = await runCli(["delete-endpoint", "to-delete", "--yes"], { env: { ...process.env, ...env } });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /there is no SageMaker endpoint to-delete in us-east-1/);
    });

    it("without AWS credentials, says so and how to give them, before anything is created", async () => {
      const noCredentials: NodeJS.ProcessEnv = { ...process.env, ...env, AWS_EC2_METADATA_DISABLED: "true", HOME: work };
      delete noCredentials.AWS_ACCESS_KEY_ID;
      delete noCredentials.AWS_SECRET_ACCESS_KEY;
      const { code, stderr } = await runCli(["deploy", "sagemaker", archive, "--name", "no-credentials", "--bucket", "models", "--role", ROLE, "--image", IMAGE, "--instance-type", "ml.m5.large"], { env: noCredentials, killAfterMs: 60_000 });
      assert.equal(code, 1);
      assert.match(stderr, /cannot check S3 bucket models: Could not load credentials/);
      assert.match(stderr, /Hint: no AWS credentials were found: run aws configure/);
      assert.ok(!fake.calls.some((call) => call.operation === "CreateModel"));
    });

    it("deploy without the required settings says which are missing", async () => {
      const { code, stderr } = await runCli(["deploy", "sagemaker", archive, "--name", "x"], { env: { ...process.env, ...env } });
      assert.equal(code, 2);
      assert.match(stderr, /--bucket, --role, --image are required/);
    });
  });
});
