// s3rver and the SageMaker fake together, and the environment that points the real AWS SDK clients at them
// (static test credentials; no ~/.aws of this machine).
import * as path from "node:path";
import S3rver from "s3rver";
import { FakeAws, type FakeAwsOptions } from "./fakeAws";

export interface FakeCloud {
  fake: FakeAws;
  /** For this process (Object.assign(process.env, env)) or a child's environment. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** `dir` holds s3rver's files (its bucket "models") and the empty AWS config files. */
export async function startFakeCloud(dir: string, options: FakeAwsOptions): Promise<FakeCloud> {
  const s3rver = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: path.join(dir, "s3"), configureBuckets: [{ name: "models", configs: [] }] });
  const { port } = await s3rver.run();
  const fake = new FakeAws(options);
  const fakeUrl = await fake.start();
  return {
    fake,
    env: {
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL_SAGEMAKER: fakeUrl,
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: fakeUrl,
      AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING: fakeUrl,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: fakeUrl,
      AWS_CONFIG_FILE: path.join(dir, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "no-aws-credentials"),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    async stop() {
      await fake.stop();
      await s3rver.close();
    },
  };
}
