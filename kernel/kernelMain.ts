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
import { announceTfjsChoice, releaseTfjs, startTfjsLoad } from "./tfjs/loadTfjs";
import { runtimeSummary } from "./tfjs/runtimeDescription";
import { isTfjsSpecifier, resolveTfjsWithNotice } from "./tfjs/tfjsModuleMap";
import { backendKnown, tfjsRuntime, tfjsSettled } from "./tfjs/tfjsRuntime";
import { installTraining } from "./training/installTraining";
import { SocketHost } from "./transport/socketHost";
import type { KernelLease } from "./transport/threadMessages";
import { IMPORT_FUNCTION } from "./typescript/cellTransformer";
import { KERNEL_NAME } from "../protocol/languageInfo";
import { CellCompiler } from "./typescript/cellCompiler";
import { loadTypeScript, saveTypeScriptCodeCache } from "./typescript/loadTypeScript";

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
  const socketsStarted = sockets.start(connectionFile, parent, options.lease);
  const tfjsOptions = { notebookDir, setting: process.env[BACKEND_ENV], threads: process.env[THREADS_ENV] };
  announceTfjsChoice(tfjsOptions);
  const currentKernelInfo = () => kernelInfo(tfjsRuntime());
  // kernel_info waits until the backend is known, so the banner names it. The worker takes this once it runs.
  sockets.setKernelInfo(currentKernelInfo(), backendKnown(tfjsRuntime()));
  // Every cell needs the compiler: it loads while the socket worker starts (on another core), not after.
  try {
    loadTypeScript();
  } catch {
    // A compiler that does not load says why when a cell needs it: the first compile tries again.
  }
  await socketsStarted;
  // Loading tfjs keeps this thread busy for a few hundred ms (the socket worker answers meanwhile), and only cells that
  // import something need it: it starts once the kernel is idle, or when such a cell comes first (see below); when
  // only the load can tell the backend, now.
  const tfjsLoaded = () => startTfjsLoad(tfjsOptions);
  if (!backendKnown(tfjsRuntime())) void tfjsLoaded();

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
    // Imports wait for tfjs in the module loader; a plain require cannot wait, so the cell waits before it runs.
    beforeRun: (code) => (/\brequire\b/.test(code) ? tfjsLoaded() : undefined),
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
  void tfjsSettled().then((runtime) => {
    sockets.setKernelInfo(currentKernelInfo());
    if (runtime.status === "ready") return log(`${runtimeSummary(runtime)}, ready in ${runtime.loadMs} ms`);
    log(runtime.error!);
    executor.addNotice(`${runtime.error}\n`);
  });

  installCellGlobals(notebookDir, tfjsLoaded);
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
  // While the user is still reading the notebook, each step only while no cell runs or waits (a request that came
  // meanwhile is handled first: setImmediate runs after the messages already received): tfjs, which only cells that
  // import something wait for; then the compiler's full warm-up (the standard library and @types), after tfjs, whose
  // last steps would otherwise wait behind it.
  const whenIdle = (step: () => void) => {
    const attempt = () => (kernel.executing() ? setTimeout(attempt, WARM_UP_RETRY_MS) : step());
    setImmediate(attempt);
  };
  whenIdle(() => void tfjsLoaded().then(() => whenIdle(warmUpCompiler)));
  const warmUpCompiler = () => {
    getCompiler().warmUp();
    // After a compile, so the cache also holds the checker's functions that V8 compiles on first use.
    saveTypeScriptCodeCache();
  };
}

/** What cells find on the global scope: the module loader, and `require` relative to the notebook. */
function installCellGlobals(notebookDir: string, tfjsLoaded: () => Promise<unknown>): void {
  const inKernelModules = { "tfjs-studio": studioModule, tslab: tslabModule };
  const loader = new ModuleLoader(notebookDir, inKernelModules, {
    ready: tfjsLoaded,
    resolve: (specifier) => (isTfjsSpecifier(specifier) ? resolveTfjsWithNotice(specifier) : undefined),
  });
  provideInKernelModulesToRequire(inKernelModules);
  Object.defineProperty(globalThis, IMPORT_FUNCTION, { value: (specifier: string) => loader.import(specifier), enumerable: false });
  Object.defineProperty(globalThis, "require", { value: createRequire(join(notebookDir, "__notebook__.js")), enumerable: false, writable: true, configurable: true });
}
