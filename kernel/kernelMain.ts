// Starts the kernel: sockets on a worker thread, user code on this one.
import { createRequire } from "node:module";
import { join } from "node:path";
import { CommRegistry } from "./comms/commRegistry";
import { CellRunner } from "./execution/cellRunner";
import { Executor } from "./execution/executor";
import { provideInKernelModulesToRequire } from "./execution/inKernelRequire";
import { InterruptController } from "./execution/interrupts";
import { ModuleLoader } from "./execution/moduleLoader";
import { OutputCapture } from "./execution/outputCapture";
import { HistoryStore, historyPath } from "./history/historyStore";
import { Kernel } from "./kernel";
import { kernelInfo } from "./kernelInfo";
import { DisplayedModels } from "./modelDisplay/displayedModels";
import { installModelDisplay } from "./modelDisplay/modelDisplayFormatter";
import { answerModelGraphRequest } from "./modelDisplay/modelGraphRequest";
import { packageRoot } from "../protocol/packageRoot";
import { kernelParent } from "./parentWatch";
import { readConnectionFile } from "../protocol/connectionFile";
import { setKernelIO } from "./inKernelModules/kernelIO";
import { studioModule } from "./inKernelModules/studioModule";
import { tslabModule } from "./inKernelModules/tslabModule";
import { BACKEND_ENV } from "../tfjs/backends/backendNames";
import { THREADS_ENV } from "../tfjs/backends/threadCount";
import { loadTfjs, releaseTfjs } from "./tfjs/loadTfjs";
import { runtimeSummary } from "./tfjs/runtimeDescription";
import { isTfjsSpecifier, resolveTfjsWithNotice } from "./tfjs/tfjsModuleMap";
import { backendKnown, tfjsRuntime, tfjsSettled } from "./tfjs/tfjsRuntime";
import { installTraining } from "./training/installTraining";
import { SocketHost } from "./transport/socketHost";
import type { KernelLease } from "./transport/threadMessages";
import { IMPORT_FUNCTION } from "./typescript/cellTransformer";
import { KERNEL_NAME } from "../protocol/languageInfo";
import { CellCompiler } from "./typescript/cellCompiler";
import { saveTypeScriptCodeCache } from "./typescript/loadTypeScript";

const WARM_UP_RETRY_MS = 100;

export interface KernelOptions {
  /** A detached kernel's lease (a remote one, outliving its SSH link): it replaces the parent watch. */
  lease?: KernelLease;
}

export async function runKernel(connectionFile: string, options: KernelOptions = {}): Promise<void> {
  // The socket worker answers clients while this thread still loads, so the parent can be gone by the time
  // the worker's watch starts.
  const parent = kernelParent();
  const info = readConnectionFile(connectionFile);
  const notebookDir = process.cwd();
  const sockets = new SocketHost();
  const interrupts = new InterruptController({
    isPending: () => sockets.interruptPending(),
    acknowledge: () => sockets.acknowledgeInterrupt(),
    takeTerminated: () => sockets.takeTerminated(),
  });
  // Before anything else: SIGINT's default action would kill a kernel interrupted (or shut down) while starting.
  process.on("SIGINT", () => interrupts.interrupt("signal"));
  await sockets.start(connectionFile, parent, options.lease);
  // Loading tfjs keeps this thread busy for a few hundred ms; the socket worker answers meanwhile.
  // (Started after the worker, which would otherwise start slower on a busy machine.)
  const tfjsLoaded = loadTfjs({ notebookDir, setting: process.env[BACKEND_ENV], threads: process.env[THREADS_ENV] });
  const currentKernelInfo = () => kernelInfo(tfjsRuntime());
  // Before that load blocks this thread. kernel_info waits until the backend is known, so the banner names it.
  sockets.setKernelInfo(currentKernelInfo(), backendKnown(tfjsRuntime()));

  let kernel: Kernel | undefined;
  const output = new OutputCapture({ send: (name, text) => kernel?.publish("stream", { name, text }), sendsInFlight: () => sockets.sendsInFlight() });
  output.install();
  const log = (text: string) => output.kernelStderr(`[tfjs-studio] ${text}\n`);

  let compiler: CellCompiler | undefined;
  const getCompiler = () => {
    if (!compiler) {
      compiler = new CellCompiler(notebookDir);
      for (const problem of compiler.configErrors) output.write("stderr", `${problem}\n`);
    }
    return compiler;
  };
  const history = new HistoryStore(historyPath(info.kernel_name || KERNEL_NAME), log);
  const comms = new CommRegistry({ publish: (type, content, buffers) => kernel!.publish(type, content, buffers), log });
  const isKernelFile = Kernel.isKernelFile(packageRoot());
  const executor = new Executor(getCompiler, new CellRunner(interrupts, sockets), history, {
    publish: (type, content) => kernel!.publish(type, content),
    flushOutput: () => output.flush(),
  }, isKernelFile);
  const displayedModels = new DisplayedModels();
  kernel = new Kernel({
    sockets,
    executor,
    compiler: getCompiler,
    history,
    comms,
    interrupts,
    output,
    kernelInfo: currentKernelInfo,
    modelGraph: (content) => answerModelGraphRequest(content, displayedModels),
    releaseTfjs,
  });
  setKernelIO(kernel);
  void tfjsLoaded.then((runtime) => {
    sockets.setKernelInfo(currentKernelInfo());
    if (runtime.status === "ready") return log(`${runtimeSummary(runtime)}, ready in ${runtime.loadMs} ms`);
    log(runtime.error!);
    executor.addNotice(`${runtime.error}\n`);
  });

  installCellGlobals(notebookDir);
  installModelDisplay(displayedModels);
  installTraining({ interrupts, setTrainingBatch: (inBatch) => sockets.setTrainingBatch(inBatch), notebookDir });
  // Errors from timers and floating promises in user code are shown like a cell's errors (cell lines, the failing
  // line quoted), in the output of the cell running now; never fatal.
  const showUncaught = (prefix: string, thrown: unknown) =>
    output.write("stderr", `${prefix}${executor.errorReport(thrown).traceback.join("\n")}\n`);
  process.on("uncaughtException", (error) => showUncaught("Uncaught ", error));
  process.on("unhandledRejection", (reason) => showUncaught("Unhandled promise rejection: ", reason));

  sockets.on("message", (routed) => kernel.handle(routed));
  sockets.on("interrupt", () => interrupts.interrupt("message"));
  sockets.on("shutdown", (routed) => void kernel.shutdown(routed));
  process.on("exit", () => sockets.closeBeforeExit());
  // The worker has logged why. It ends the process itself if a cell keeps this thread from exiting.
  sockets.on("orphaned", () => void releaseTfjs().finally(() => process.exit(0)));

  log(`kernel ready (pid ${process.pid}, protocol ${currentKernelInfo().protocol_version})`);
  // Load the compiler and the standard library now, while the user is still reading the notebook;
  // after tfjs, whose last steps would otherwise wait behind it, and kernel_info with them.
  // Never while cells run or wait: a cell that came first is compiled without it (see CellCompiler.compile).
  const warmUpWhenIdle = () => {
    if (kernel.executing()) return void setTimeout(warmUpWhenIdle, WARM_UP_RETRY_MS);
    getCompiler().warmUp();
    // After a compile, so the cache also holds the checker's functions that V8 compiles on first use.
    saveTypeScriptCodeCache();
  };
  void tfjsLoaded.then(() => setTimeout(warmUpWhenIdle, 10));
}

/** What cells find on the global scope: the module loader, and `require` relative to the notebook. */
function installCellGlobals(notebookDir: string): void {
  const inKernelModules = { "tfjs-studio": studioModule, tslab: tslabModule };
  const loader = new ModuleLoader(notebookDir, inKernelModules, {
    ready: tfjsSettled,
    resolve: (specifier) => (isTfjsSpecifier(specifier) ? resolveTfjsWithNotice(specifier) : undefined),
  });
  provideInKernelModulesToRequire(inKernelModules);
  Object.defineProperty(globalThis, IMPORT_FUNCTION, { value: (specifier: string) => loader.import(specifier), enumerable: false });
  Object.defineProperty(globalThis, "require", { value: createRequire(join(notebookDir, "__notebook__.js")), enumerable: false, writable: true, configurable: true });
}
