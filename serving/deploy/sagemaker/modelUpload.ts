// Puts model.tar.gz in S3 for SageMaker: first checks that the bucket is in the endpoint's region (SageMaker
// cannot read model data from another region, and says so only after the endpoint fails), then uploads it with
// lib-storage (multipart for large packages) and reports the percent.
import * as fs from "node:fs";
import { GetBucketLocationCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { DeployCancelled, DeployError } from "../deployProvider";
import { awsErrorCode } from "./awsClients";
import { failureHint } from "./failureDiagnosis";

export interface UploadTarget {
  bucket: string;
  key: string;
  region: string;
  kmsKeyId?: string;
}

/** The region S3 reports for a bucket: an empty location is us-east-1, "EU" the old name of eu-west-1. */
export function bucketRegion(locationConstraint: string | undefined): string {
  if (!locationConstraint) return "us-east-1";
  return locationConstraint === "EU" ? "eu-west-1" : locationConstraint;
}

export async function checkBucketRegion(s3: S3Client, bucket: string, region: string): Promise<void> {
  let location: string | undefined;
  try {
    location = (await s3.send(new GetBucketLocationCommand({ Bucket: bucket }))).LocationConstraint;
  } catch (error) {
    const code = awsErrorCode(error);
    if (code === "NoSuchBucket") throw new DeployError(`S3 bucket ${bucket} does not exist: create it in ${region}, or give another with --bucket`, {}, { cause: error });
    if (code === "AccessDenied") throw new DeployError(`no access to S3 bucket ${bucket} (AccessDenied): the credentials need s3:GetBucketLocation and s3:PutObject on it`, {}, { cause: error });
    const hint = failureHint((error as Error).message, "");
    throw new DeployError(`cannot check S3 bucket ${bucket}: ${(error as Error).message}`, hint ? { hint } : {}, { cause: error });
  }
  const found = bucketRegion(location);
  if (found !== region) {
    throw new DeployError(`S3 bucket ${bucket} is in ${found}, but the endpoint goes to ${region}: SageMaker reads model data from its own region only. Use a bucket in ${region}, or deploy to ${found}.`);
  }
}

/** Uploads the file; `onPercent` hears 0 to 100 as parts complete. Returns the s3:// URL. */
export async function uploadPackage(s3: S3Client, file: string, target: UploadTarget, onPercent: (percent: number) => void, signal?: AbortSignal): Promise<string> {
  const size = fs.statSync(file).size;
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: target.bucket,
      Key: target.key,
      Body: fs.createReadStream(file),
      ContentType: "application/gzip",
      ContentLength: size,
      ...(target.kmsKeyId ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: target.kmsKeyId } : {}),
    },
    abortController: signal ? abortControllerFor(signal) : undefined,
  });
  upload.on("httpUploadProgress", (progress) => {
    if (progress.loaded !== undefined && size > 0) onPercent(Math.min(100, Math.floor((progress.loaded / size) * 100)));
  });
  try {
    await upload.done();
  } catch (error) {
    if (signal?.aborted) throw new DeployCancelled(`cancelled during the upload: nothing was created (lib-storage aborted the multipart upload of s3://${target.bucket}/${target.key})`, { cause: error });
    throw new DeployError(`uploading ${file} to s3://${target.bucket}/${target.key} failed: ${(error as Error).message}`, {}, { cause: error });
  }
  return `s3://${target.bucket}/${target.key}`;
}

function abortControllerFor(signal: AbortSignal): AbortController {
  const controller = new AbortController();
  signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  return controller;
}
