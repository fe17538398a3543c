// The deploy benchmark's moving parts: a small packaged model served locally, s3rver, and the SageMaker fake of the
// tests with an injected Creating delay, the real SDK clients pointed at them; then one deploy timed step by step,
// and a 100 MB package uploaded to s3rver.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs";
import { S3Client } from "@aws-sdk/client-s3";
import { uploadPackage } from "../../serving/deploy/sagemaker/modelUpload";
import { SageMakerProvider } from "../../serving/deploy/sagemaker/sageMakerProvider";
import { inspectModelDir } from "../../serving/package/modelPackage";
import { writeModelPackage } from "../../serving/package/writeModelPackage";
import { startModelServer } from "../../serving/server/modelServer";
import { registerFileSystemIO } from "../../tfjs/io/fileSystemIO";
import { startFakeCloud } from "../../test/support/fakeCloud";

export interface DeployBenchResult {
  injectedCreatingMs: number;
  deployWallMs: number;
  stepSeconds: Record<string, number>;
  apiCalls: Record<string, number>;
  upload: { megabytes: number; seconds: number; megabytesPerSecond: number };
}

export async function runDeployBench(work: string, injectedCreatingMs: number, log: (line: string) => void): Promise<DeployBenchResult> {
  await tf.setBackend("cpu");
  registerFileSystemIO(tf, work);
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: "softmax" })] });
  await model.save(`file://${path.join(work, "model")}`);
  const archive = path.join(work, "model.tar.gz");
  await writeModelPackage(await inspectModelDir(tf, path.join(work, "model"), { scale: 1 / 255 }), archive);
  const server = await startModelServer({ source: archive, port: 0, log: false });
  await server.loaded;
  const cloud = await startFakeCloud(work, { transitionMs: injectedCreatingMs, serveUrl: server.url });
  const { fake } = cloud;
  Object.assign(process.env, cloud.env);
  const provider = new SageMakerProvider("us-east-1");
  try {
    log(`deploy against the fakes, Creating for ${injectedCreatingMs / 1000} s...`);
    const started = performance.now();
    const outcome = await provider.deploy({
      packagePath: archive,
      endpointName: "bench",
      region: "us-east-1",
      bucket: "models",
      prefix: "bench",
      roleArn: "arn:aws:iam::123456789012:role/SageMakerExecution",
      image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/tfjs-studio:1",
      capacity: { kind: "real-time", instanceType: "ml.m5.large", instanceCount: 1 },
      autoscaling: { minInstances: 1, maxInstances: 2, targetInvocationsPerInstance: 100 },
      networkIsolation: false,
    }, { report: () => {} });
    const deployWallMs = performance.now() - started;
    const apiCalls: Record<string, number> = {};
    for (const operation of fake.operations()) apiCalls[operation] = (apiCalls[operation] ?? 0) + 1;

    log("upload of a 100 MB package to s3rver...");
    const large = path.join(work, "large.tar.gz");
    fs.writeFileSync(large, crypto.randomBytes(100 * 1024 * 1024));
    const s3 = new S3Client({ region: "us-east-1" });
    const uploadStarted = performance.now();
    await uploadPackage(s3, large, { bucket: "models", key: "bench/large.tar.gz", region: "us-east-1" }, () => {});
    const seconds = (performance.now() - uploadStarted) / 1000;
    s3.destroy();
    return { injectedCreatingMs, deployWallMs, stepSeconds: outcome.stepSeconds, apiCalls, upload: { megabytes: 100, seconds, megabytesPerSecond: 100 / seconds } };
  } finally {
    provider.close();
    await cloud.stop();
    await server.close();
  }
}
