// `tfjs-studio package --container DIR`: a Docker build context for Amazon SageMaker's bring-your-own-container
// contract. The image holds the model server (dist/cli/serve.js, the same one `tfjs-studio serve` runs) with
// @tensorflow/tfjs-node; SageMaker unpacks model.tar.gz into /opt/ml/model and runs the image with "serve".
// Writing it needs no Docker engine.
import * as fs from "node:fs";
import * as path from "node:path";
import { createDirectory } from "../../common/safeFileSystem";
import { findPackageDir } from "../../common/packageLookup";
import { SERVER_BUNDLE, SERVER_PACKAGES } from "../../common/serverBundle";
import { packageRoot, packageVersion } from "../../protocol/packageRoot";
import type { ServingManifest } from "../../protocol/servingManifest";
import { containerReadme } from "./containerReadme";


const NATIVE_BACKEND = "@tensorflow/tfjs-node";

export const ENTRY_POINT = "serve";

export interface WrittenContainerContext {
  dir: string;
  /** Each file written, relative to dir. */
  files: string[];
  /** The image name the README builds, e.g. tfjs-studio-serve:0.1.0. */
  image: string;
}

export function writeContainerContext(outDir: string, manifest: ServingManifest): WrittenContainerContext {
  const dir = path.resolve(outDir);
  const bundle = path.join(packageRoot(), SERVER_BUNDLE);
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: this tfjs-studio install has no model server bundle (npm run build)`);
  const version = packageVersion();
  const image = `tfjs-studio-serve:${version}`;
  const files: Record<string, string | Buffer> = {
    Dockerfile: DOCKERFILE,
    [ENTRY_POINT]: ENTRY_SCRIPT,
    "package.json": `${JSON.stringify(imagePackageJson(version), null, 2)}\n`,
    [SERVER_BUNDLE]: fs.readFileSync(bundle),
    ".dockerignore": "*\n!package.json\n!serve\n!dist/\n",
    "README.md": containerReadme(manifest, image),
  };
  createDirectory(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content, { mode: name === ENTRY_POINT ? 0o755 : 0o644 });
  }
  return { dir, files: Object.keys(files), image };
}

/**
 * The image's package.json. Named tfjs-studio, since the server finds its install by that name; the versions are
 * the ones this install runs, so the image serves as `tfjs-studio serve` does here, and tfjs-node matches tfjs.
 */
function imagePackageJson(version: string): object {
  const installed = (name: string) => {
    const dir = findPackageDir(name, [packageRoot()]);
    if (!dir) throw new Error(`${name} is not installed next to tfjs-studio (${packageRoot()}); reinstall tfjs-studio`);
    return (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
  };
  const dependencies: Record<string, string> = Object.fromEntries(SERVER_PACKAGES.map((name) => [name, installed(name)]));
  dependencies[NATIVE_BACKEND] = dependencies["@tensorflow/tfjs"];
  return { name: "tfjs-studio", version, private: true, description: "TF.js Studio's model server, for Amazon SageMaker and any container host", engines: { node: ">=20" }, dependencies };
}

// Two stages: tfjs-node's install downloads libtensorflow and may build its binding (python3, make, g++, in the
// full node image); the slim image that runs gets only the result.
const DOCKERFILE = `# TF.js Studio's model server for Amazon SageMaker (bring your own container), written by
# \`tfjs-studio package --container\`. README.md says how to build, try, push and deploy it.
FROM node:20-bookworm AS install
WORKDIR /opt/program
COPY package.json ./
# @tensorflow/tfjs-node downloads libtensorflow while it installs: building needs the internet, running does not.
RUN npm install --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /opt/program
COPY --from=install /opt/program/node_modules ./node_modules
COPY package.json ${ENTRY_POINT} ./
COPY dist/ ./dist/
ENV NODE_ENV=production PATH="/opt/program:$PATH"
# SageMaker's contract: the model unpacked in /opt/ml/model, requests on port 8080, the image run with "serve".
EXPOSE 8080
ENTRYPOINT ["/opt/program/${ENTRY_POINT}"]
CMD ["serve"]
`;

const ENTRY_SCRIPT = `#!/bin/sh
# The image's entry point. SageMaker runs \`docker run IMAGE serve\`: the server then listens on all addresses on
# port 8080 (SAGEMAKER_BIND_TO_PORT when SageMaker sets it) and serves the model SageMaker unpacked in
# /opt/ml/model (SM_MODEL_DIR elsewhere). Options after "serve" go to the server, e.g. serve --max-batch 64.
# exec: the server gets SageMaker's SIGTERM itself and finishes the requests in flight before it exits.
set -eu
if [ "\${1:-serve}" != serve ]; then
  echo "this image serves a model: run it with the argument 'serve' (SageMaker does), not '$1'" >&2
  exit 2
fi
if [ "$#" -gt 0 ]; then shift; fi
cd "$(dirname "$0")"
exec node ${SERVER_BUNDLE} "\${SM_MODEL_DIR:-/opt/ml/model}" --host 0.0.0.0 --port "\${SAGEMAKER_BIND_TO_PORT:-8080}" \\
  --max-batch "\${TFJS_STUDIO_MAX_BATCH:-32}" --max-delay-ms "\${TFJS_STUDIO_MAX_DELAY_MS:-5}" "$@"
`;
