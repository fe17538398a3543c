// The code a user copies to call an endpoint from an app: TypeScript with the AWS SDK v3, Python with boto3, and
// curl. For a local endpoint the SDKs call it through its SageMaker runtime route (endpoint URL set, any
// credentials), so moving to a SageMaker endpoint means deleting the lines marked "local endpoint".
import type { ServingManifest } from "../../protocol/servingManifest";
import { exampleRequest } from "./exampleRequest";

export type SnippetLanguage = "typescript" | "python" | "curl";

export const SNIPPET_LANGUAGES: readonly SnippetLanguage[] = ["typescript", "python", "curl"];

/** A local endpoint: its base URL, e.g. http://127.0.0.1:8080. */
export interface SnippetEndpoint {
  url: string;
  manifest: ServingManifest;
}

export function clientSnippet(language: SnippetLanguage, endpoint: SnippetEndpoint): string {
  const { contentType, body } = exampleRequest(endpoint.manifest);
  const url = endpoint.url.replace(/\/+$/, "");
  const name = endpoint.manifest.name;
  switch (language) {
    case "typescript":
      return `// npm install @aws-sdk/client-sagemaker-runtime
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";

const client = new SageMakerRuntimeClient({
  region: "us-east-1",
  endpoint: ${JSON.stringify(url)}, // local endpoint: delete for SageMaker
  credentials: { accessKeyId: "local", secretAccessKey: "local" }, // local endpoint: delete for SageMaker
});
const response = await client.send(
  new InvokeEndpointCommand({
    EndpointName: ${JSON.stringify(name)},
    ContentType: ${JSON.stringify(contentType)},
    Body: ${JSON.stringify(body)},
  }),
);
const { predictions, labels } = JSON.parse(new TextDecoder().decode(response.Body));
console.log(labels ?? "", predictions);
`;
    case "python":
      return `# pip install boto3
import json

import boto3

client = boto3.client(
    "sagemaker-runtime",
    region_name="us-east-1",
    endpoint_url=${JSON.stringify(url)},  # local endpoint: delete for SageMaker
    aws_access_key_id="local",  # local endpoint: delete for SageMaker
    aws_secret_access_key="local",  # local endpoint: delete for SageMaker
)
response = client.invoke_endpoint(
    EndpointName=${JSON.stringify(name)},
    ContentType=${JSON.stringify(contentType)},
    Body=${JSON.stringify(body)},
)
answer = json.loads(response["Body"].read())
print(answer.get("labels", ""), answer["predictions"])
`;
    case "curl":
      return `curl -sS ${url}/invocations -H 'content-type: ${contentType}' --data-binary '${body.replace(/'/g, "'\\''")}'\n`;
  }
}
