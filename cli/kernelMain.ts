// The kernel alone (dist/cli/kernel.js), as a remote host runs it from the uploaded runtime: `tfjs-studio kernel`
// without the other commands, so the runtime carries only the kernel's packages (no AWS SDK, no fastify).
import { startKernel } from "./kernelCommand";
import { runMain } from "./runMain";

runMain("tfjs-studio kernel", () => startKernel(process.argv.slice(2)));
