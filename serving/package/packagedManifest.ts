// The serving.json inside a model.tar.gz, read without unpacking the model: what an endpoint will serve.
import * as tar from "tar";
import { SERVING_MANIFEST_FILE, servingManifestProblem, type ServingManifest } from "../../protocol/servingManifest";

export async function readPackagedManifest(archive: string): Promise<ServingManifest> {
  let text: string | undefined;
  try {
    await tar.list({
      file: archive,
      filter: (entryPath) => entryPath.replace(/^\.\//, "") === SERVING_MANIFEST_FILE,
      onReadEntry: (entry) => {
        const chunks: Buffer[] = [];
        entry.on("data", (chunk: Buffer) => chunks.push(chunk));
        entry.on("end", () => (text = Buffer.concat(chunks).toString("utf8")));
      },
    });
  } catch (error) {
    throw new Error(`${archive}: not a model.tar.gz that can be read (${(error as Error).message})`, { cause: error });
  }
  if (text === undefined) throw new Error(`${archive} has no ${SERVING_MANIFEST_FILE}: package the model folder with TF.js Studio: Package Model… (or tfjs-studio package)`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new Error(`${archive}: its ${SERVING_MANIFEST_FILE} is not JSON (${(error as Error).message})`, { cause: error });
  }
  const problem = servingManifestProblem(manifest);
  if (problem) throw new Error(`${archive}: ${SERVING_MANIFEST_FILE}: ${problem}`);
  return manifest as ServingManifest;
}
