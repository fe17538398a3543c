// The AWS SDK clients a SageMaker deploy uses, for one region. Credentials come from the SDK's default chain
// (environment, shared config and profiles, SSO) and endpoints from its standard configuration (AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_<SERVICE>, endpoint_url in a profile): nothing of ours to store, log or configure.
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";

export interface AwsClients {
  region: string;
  sageMaker: SageMakerClient;
  s3: S3Client;
  autoScaling: ApplicationAutoScalingClient;
  logs: CloudWatchLogsClient;
}

/** Call before making an SDK client: tfjs-studio runs on Node 20 by design, and the SDK's notice that its later releases need Node 22 is for us, not users. */
export function quietNodeVersionNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

export function awsClients(region: string): AwsClients {
  quietNodeVersionNotice();
  // Standard retries (throttling included), a few more than the default: a deploy makes few calls and a
  // throttled one should not end it.
  const config = { region, maxAttempts: 5 };
  return {
    region,
    sageMaker: new SageMakerClient(config),
    s3: new S3Client(config),
    autoScaling: new ApplicationAutoScalingClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

export function closeAwsClients(clients: AwsClients): void {
  for (const client of [clients.sageMaker, clients.s3, clients.autoScaling, clients.logs]) client.destroy();
}

/** The error code the SDK gives a service error (its name), or undefined for other errors. */
export function awsErrorCode(error: unknown): string | undefined {
  return error instanceof Error && "$metadata" in error ? error.name : undefined;
}
