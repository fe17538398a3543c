// What every `tfjs-studio deploy TARGET` does around its provider: a model folder is packaged first (into a
// temporary folder), Ctrl-C cancels, progress goes to stderr a line a step, and the outcome or the failure is
// printed, as JSON too with --json.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { selectBackend } from "../tfjs/backends/selectBackend";
import { inspectModelDir } from "../serving/package/modelPackage";
import { writeModelPackage } from "../serving/package/writeModelPackage";
import { DeployCancelled, DeployError, type DeployOutcome, type DeployProvider } from "../serving/deploy/deployProvider";
import { ExitCode } from "./exitCodes";
import { lineProgress, printDeployError } from "./deployOutput";

export interface DeployRun<Request extends { packagePath: string }> {
  provider: DeployProvider<Request>;
  request: Request;
  json: boolean;
  /** Prints the outcome for people (not with --json). */
  print(outcome: DeployOutcome, elapsedMs: number): void;
}

export async function runDeploy<Request extends { packagePath: string }>({ provider, request, json, print }: DeployRun<Request>): Promise<number> {
  const cancel = new AbortController();
  const onInterrupt = () => cancel.abort();
  process.once("SIGINT", onInterrupt);
  let temporary: string | undefined;
  try {
    if (fs.statSync(request.packagePath, { throwIfNoEntry: false })?.isDirectory()) {
      temporary = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-deploy-"));
      request = { ...request, packagePath: await packageFolder(request.packagePath, temporary) };
    }
    const started = Date.now();
    const outcome = await provider.deploy(request, lineProgress(process.stderr), cancel.signal);
    if (json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
    else print(outcome, Date.now() - started);
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof DeployCancelled) {
      process.stderr.write(`tfjs-studio deploy: ${error.message}\n`);
      return ExitCode.Interrupted;
    }
    if (!(error instanceof DeployError)) throw error;
    printDeployError("deploy", error);
    if (json) process.stdout.write(`${JSON.stringify({ error: error.message, ...error.details })}\n`);
    return ExitCode.Failed;
  } finally {
    process.removeListener("SIGINT", onInterrupt);
    if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
  }
}

async function packageFolder(modelDir: string, into: string): Promise<string> {
  process.stderr.write(`Packaging ${modelDir}…\n`);
  const { loaded } = await selectBackend({ setting: "cpu", notebookDir: modelDir });
  const written = await writeModelPackage(await inspectModelDir(loaded.tf, modelDir, {}), path.join(into, "model.tar.gz"));
  return written.file;
}
