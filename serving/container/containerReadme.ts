// The README of a container build context: build, try locally, push to Amazon ECR, deploy on SageMaker, with the
// model's own name and a request that fits its signature.
import type { ServingManifest } from "../../protocol/servingManifest";
import { exampleRequest } from "../invoke/exampleRequest";

export function containerReadme(manifest: ServingManifest, image: string): string {
  const repository = image.split(":")[0];
  const request = exampleRequest(manifest);
  const quoted = request.body.replace(/'/g, "'\\''");
  return `# A SageMaker container for ${manifest.name} version ${manifest.version}

Written by \`tfjs-studio package --container\`. The image holds TF.js Studio's model server with
\`@tensorflow/tfjs-node\`, not the model: SageMaker downloads \`model.tar.gz\` from S3 and unpacks it into
\`/opt/ml/model\`, then runs the image with the argument \`serve\`. One image serves any package from this
version of tfjs-studio. The server answers SageMaker's \`GET /ping\` and \`POST /invocations\`, TensorFlow Serving's
\`/v1/models/${manifest.name}:predict\`, the Open Inference Protocol's \`/v2/models/${manifest.name}/infer\`, and
\`GET /metrics\`.

## Build

SageMaker runs x86-64 images (or ARM on Graviton instances: build \`linux/arm64\` for those).

\`\`\`sh
docker build --platform linux/amd64 -t ${image} .
\`\`\`

## Try it on this machine

\`\`\`sh
mkdir -p model && tar -xzf ../model.tar.gz -C model
docker run --rm -p 127.0.0.1:8080:8080 -v "$PWD/model:/opt/ml/model:ro" ${image} serve
curl -s localhost:8080/ping -w '%{http_code}\\n'
curl -s localhost:8080/invocations -H 'content-type: ${request.contentType}' -d '${quoted}'
\`\`\`

## Push to Amazon ECR

\`\`\`sh
REGION=$(aws configure get region)
ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
REGISTRY=$ACCOUNT.dkr.ecr.$REGION.amazonaws.com
aws ecr create-repository --repository-name ${repository} --region "$REGION"
aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"
docker tag ${image} "$REGISTRY/${image}"
docker push "$REGISTRY/${image}"
\`\`\`

## Deploy on SageMaker

\`\`\`sh
aws s3 cp ../model.tar.gz s3://BUCKET/${manifest.name}/${manifest.version}/model.tar.gz
aws sagemaker create-model --model-name ${manifest.name}-${manifest.version.replace(/[^A-Za-z0-9-]/g, "-")} \\
  --execution-role-arn arn:aws:iam::$ACCOUNT:role/ROLE_WITH_S3_AND_ECR_READ \\
  --primary-container Image=$REGISTRY/${image},ModelDataUrl=s3://BUCKET/${manifest.name}/${manifest.version}/model.tar.gz
\`\`\`

Then an endpoint configuration and an endpoint, as for any SageMaker model (\`aws sagemaker create-endpoint-config\`,
\`aws sagemaker create-endpoint\`).

## Settings

Set them as the container's environment (\`Environment\` in SageMaker's CreateModel, \`-e\` with \`docker run\`):

| variable | effect |
| --- | --- |
| \`TFJS_STUDIO_MAX_BATCH\` | requests arriving together are predicted together, up to this many instances (default 32) |
| \`TFJS_STUDIO_MAX_DELAY_MS\` | how long the first request of a batch waits for others (default 5) |
| \`TFJS_STUDIO_BACKEND\` | \`node\` (tfjs-node, the default when it loads), \`wasm\` or \`cpu\` |
`;
}
