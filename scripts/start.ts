// `npm start`: VS Code in the browser (code-server) with this extension and a workspace made from the mnist-cnn
// template, until Ctrl+C. package.json's "start" installs code-server and builds first.
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../protocol/packageRoot";
import { scaffoldTemplate } from "../common/templateScaffold";
import { startCodeServer } from "./codeServer";

const TEMPLATE = "mnist-cnn";

async function main(): Promise<void> {
  // Kept across starts, so the notebook's edits, runs and saved models survive; remove the folder to start over.
  const workspace = process.env.TFJS_STUDIO_START_WORKSPACE || path.join(packageRoot(), ".cache", "start-workspace");
  if (!fs.existsSync(workspace)) {
    scaffoldTemplate(TEMPLATE, workspace);
    console.log(`made ${workspace} from the ${TEMPLATE} template`);
  }
  const server = await startCodeServer({ workspace, env: datasetEnv() });
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: stopping code-server`);
    void server.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("Ctrl+C"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGHUP", () => stop("SIGHUP"));
  void server.exited.then((description) => {
    if (stopping) return;
    console.error(`code-server stopped by itself (${description}); its log: ${server.logFile}`);
    void server.stop().then(() => process.exit(1));
  });
  console.log(`\nTF.js Studio in VS Code (code-server, workspace ${workspace}):\n\n    ${server.url}\n\nOpen it in a browser on this machine; Ctrl+C stops it.`);
}

/**
 * Offline machines cannot download MNIST; when Debian's dataset-fashion-mnist is installed and no data set is chosen,
 * the template's notebook trains on Fashion-MNIST (same format, same sizes) instead. The kernels inherit this.
 */
function datasetEnv(): NodeJS.ProcessEnv {
  const debianFashionMnist = "/usr/share/datasets/fashion-mnist";
  if (process.env.MNIST_DATASET || process.env.MNIST_DIR || !fs.existsSync(debianFashionMnist)) return {};
  console.log(`training data: Fashion-MNIST from ${debianFashionMnist} (set MNIST_DATASET=mnist to download MNIST instead)`);
  return { MNIST_DATASET: "fashion-mnist" };
}

main().catch((error: Error) => {
  console.error(`npm start: ${error.message}`);
  process.exit(1);
});
