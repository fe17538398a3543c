// `tfjs-studio package MODEL_DIR`: checks a saved model and writes model.tar.gz with serving.json, ready for
// `tfjs-studio serve` and for a SageMaker endpoint.
import * as path from "node:path";
import { selectBackend } from "../tfjs/backends/selectBackend";
import { writeContainerContext } from "../serving/container/containerContext";
import { inspectModelDir } from "../serving/package/modelPackage";
import { formatPackageTree, writeModelPackage } from "../serving/package/writeModelPackage";
import { parseCommandLine, usageError } from "./commandLine";
import { ExitCode } from "./exitCodes";

const USAGE = `usage: tfjs-studio package MODEL_DIR [--out FILE] [--name NAME] [--version V] [--scale S] [--raw-ids] [--container DIR]

Checks the model that model.save("file://MODEL_DIR") wrote and writes a model.tar.gz: model.json, its weights,
labels.json and a text model's vocab.json and tokenizer.json at the root, and serving.json (name, version,
input and output signature, labels, preprocessing). Nothing is written if a check fails.
  --out FILE      the archive (default: model.tar.gz beside MODEL_DIR)
  --name NAME     the model's name in endpoint URLs (default: MODEL_DIR's name)
  --version V     the model's version (default: 1)
  --scale S       image models: multiply each raw input value by S, e.g. 1/255 for pixels 0-255
  --raw-ids       an Embedding model without vocab.json takes word ids as they are
  --container DIR also write a Docker build context for SageMaker (bring your own container) into DIR:
                  a Dockerfile on Node 20 with tfjs-node, the "serve" entry point and a README (no Docker needed)
`;

const OPTIONS = {
  out: { type: "string", short: "o" },
  name: { type: "string" },
  version: { type: "string" },
  scale: { type: "string" },
  "raw-ids": { type: "boolean" },
  container: { type: "string" },
} as const;

export async function packageModel(args: string[]): Promise<number> {
  const commandLine = parseCommandLine("package", args, OPTIONS, () => USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  if (positionals.length !== 1) return usageError("package", positionals.length === 0 ? "MODEL_DIR is required" : `unexpected ${positionals.slice(1).join(" ")}`, () => USAGE);
  const scale = values.scale === undefined ? undefined : parseScale(values.scale);
  if (Number.isNaN(scale)) return usageError("package", `--scale ${values.scale} is not a positive number or fraction (e.g. 1/255)`, () => USAGE);
  const modelDir = path.resolve(positionals[0]);
  const out = path.resolve(values.out ?? path.join(path.dirname(modelDir), "model.tar.gz"));
  try {
    // The cpu backend reads any model's signature; the server picks the best backend when it serves it.
    const { loaded } = await selectBackend({ setting: "cpu", notebookDir: modelDir });
    process.stdout.write(`Checking ${modelDir}…\n`);
    const modelPackage = await inspectModelDir(loaded.tf, modelDir, { name: values.name, version: values.version, scale, rawIds: values["raw-ids"] });
    const written = await writeModelPackage(modelPackage, out);
    const { manifest } = modelPackage;
    process.stdout.write(`${formatPackageTree(written)}\n`);
    process.stdout.write(`model ${manifest.name} version ${manifest.version} (${manifest.format}), preprocessing: ${manifest.preprocessing.kind}\n`);
    process.stdout.write(`Serve it with: tfjs-studio serve ${path.relative(process.cwd(), written.file) || written.file}\n`);
    if (values.container !== undefined) {
      const context = writeContainerContext(values.container, manifest);
      process.stdout.write(`Container build context in ${context.dir}: ${context.files.join(", ")}\n`);
      process.stdout.write(`Build it with: docker build --platform linux/amd64 -t ${context.image} ${path.relative(process.cwd(), context.dir) || "."} (its README.md says how to push and deploy it)\n`);
    }
    return ExitCode.Ok;
  } catch (error) {
    process.stderr.write(`tfjs-studio package: ${(error as Error).message}\n`);
    return ExitCode.Failed;
  }
}

/** "0.5", "1/255" */
function parseScale(text: string): number {
  const [numerator, denominator = "1", extra] = text.split("/");
  const value = extra === undefined ? Number(numerator) / Number(denominator) : NaN;
  return Number.isFinite(value) && value > 0 ? value : NaN;
}
