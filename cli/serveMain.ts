// The model server alone (dist/cli/serve.js), as a container runs it: `tfjs-studio serve` without the kernel and
// the notebook runner, so an image installs only the packages serving needs (no typescript, no zeromq).
import { runMain } from "./runMain";
import { serveModel } from "./serveModel";

runMain("tfjs-studio serve", () => serveModel(process.argv.slice(2)));
