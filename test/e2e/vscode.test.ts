// End-to-end tests in real VS Code: code-server with the extension, driven through Debian's Chromium by
// playwright-core. One server and one browser serve the whole suite; a failing test leaves a screenshot in
// test-results/e2e/. Needs `bash scripts/install-code-server.sh` (npm test runs it) and a build.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageRoot } from "../../protocol/packageRoot";
import { scaffoldTemplate } from "../../common/templateScaffold";
import { codeCellIndexContaining, writeNotebook } from "./support/notebookFiles";
import { extensionLogTail } from "./support/extensionLog";
import { writeFinishedRun } from "./support/runLogs";
import { contrastRatio, LINE_CONTRAST, parseColor } from "../../webviews/shared/colorContrast";
import { type StudioSession, startStudioSession } from "./support/studioSession";
import { startModelServer } from "../../serving/server/modelServer";
import { startFakeCloud, type FakeCloud } from "../support/fakeCloud";
import { fakeGpuHost, type FakeGpuHost } from "../support/fakeGpuHost";
import { startSshd, type Sshd } from "../support/sshd";
import { freePorts } from "../../client/kernelLauncher";
import { detailsPlacement, layersOutOfView, lowestFindMatchContrast, toolbarItemsCutOff, toolbarRowSpread, wordsBrokenAcrossLines } from "./support/graphPanelPage";
import type { FrameLocator, PageElement } from "./support/playwright";
import { NotebookEditor } from "./support/workbench";

const KERNEL_LABEL = "TypeScript (TF.js Studio)";
/** The ssh config's Host for the test's sshd, and the notebook that runs on it. */
const REMOTE_HOST = "e2e-gpu";
const REMOTE_NOTEBOOK = "remote.ipynb";
/** Every single wait (a click, a selector, an output) gives up after this. */
const STEP_TIMEOUT_MS = 30_000;
/** The first kernel start of a session also loads TypeScript and TensorFlow.js. */
const KERNEL_TIMEOUT_MS = 90_000;
const SCREENSHOTS = path.join(packageRoot(), "test-results", "e2e");

/** The mnist-mlp template trains on 600 Fashion-MNIST images (Debian's dataset-fashion-mnist) for 2 epochs. */
/** The fake SageMaker's account: any role and ECR image of it will do. */
const E2E_ROLE = "arn:aws:iam::123456789012:role/SageMakerExecution";
const E2E_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tfjs-studio:1";
const TINY_TRAINING_ENV = { MNIST_DATASET: "fashion-mnist", MNIST_LIMIT: "600", MNIST_TEST_LIMIT: "200", EPOCHS: "2", BATCH_SIZE: "64" };
const MLP_NOTEBOOK = "mnist-mlp/mnist-mlp.ipynb";
/** A small Embedding → LSTM → Dense model (cell 0), then cells that change its embedding's weights. */
const GRAPH_NOTEBOOK = "graph/weights.ipynb";

/** Two projects' finished runs for the metrics panel: an LSTM notebook's 80 steps, and two 1,200-step MNIST runs
 * of another folder, both named sequential_1 (as Keras names a second model of a session). */
const LSTM_FOLDER = "lstm-forecast";
const LSTM_NOTEBOOK = `${LSTM_FOLDER}/lstm.ipynb`;
const MNIST_FOLDER = "mnist-digits";
/** The LSTM's last batch loss and last val_loss: far below where a 0.99 smoothing leaves the line. */
const LSTM_LAST_LOSS = 0.0029;
const LSTM_LAST_VAL_LOSS = 0.0008;

function writeProjectRuns(dir: string): void {
  const now = Date.now();
  // Geometric decay from `first` at step 1 to exactly `last` at `steps`.
  const decay = (first: number, last: number, steps: number) => (step: number) => last * (first / last) ** ((steps - step) / (steps - 1));
  const lstmLoss = decay(1, LSTM_LAST_LOSS, 80);
  const lstmValLoss = decay(0.5, LSTM_LAST_VAL_LOSS, 4);
  writeFinishedRun({
    notebookDir: path.join(dir, LSTM_FOLDER),
    notebook: path.join(dir, LSTM_NOTEBOOK),
    name: "lstm_forecaster",
    startTime: now - 10 * 60_000,
    steps: 80,
    stepsPerEpoch: 20,
    // An accuracy that sits at 1.0 from the start.
    batchMetrics: (step) => ({ loss: lstmLoss(step), acc: 1 }),
    validationMetrics: (epoch) => ({ val_loss: lstmValLoss(epoch), val_acc: 1 }),
  });
  writeNotebook(path.join(dir, LSTM_NOTEBOOK), ["// trains the LSTM"]);
  const mnistLoss = decay(2.3, 0.3, 1200);
  for (const hoursAgo of [2, 1]) {
    writeFinishedRun({
      notebookDir: path.join(dir, MNIST_FOLDER),
      notebook: path.join(dir, MNIST_FOLDER, "mnist.ipynb"),
      name: "sequential_1",
      startTime: now - hoursAgo * 3_600_000,
      steps: 1200,
      stepsPerEpoch: 200,
      batchMetrics: (step) => ({ loss: mnistLoss(step), acc: 0.1 + (0.8 * step) / 1200 }),
      validationMetrics: (epoch) => ({ val_loss: mnistLoss(epoch * 200) + 0.05, val_acc: 0.1 + (0.75 * epoch) / 6 }),
    });
  }
}

/** The colour the theme gives the LSTM run (the third run: --vscode-charts-green): pale, on a light editor. */
const PALE_GREEN = "#c8f0c8";

/** An element and its window, as code evaluated in the page sees them. */
interface StyledElement {
  ownerDocument: { defaultView: { getComputedStyle(element: StyledElement): { backgroundColor: string } } | null };
  querySelectorAll(selector: string): Iterable<StyledElement>;
}

/** A canvas element as code evaluated in the page sees it. */
interface Canvas {
  width: number;
  height: number;
  getContext(type: "2d"): { getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> } } | null;
}

describe("VS Code end to end (code-server + Chromium)", function () {
  this.timeout(120_000);
  let session: StudioSession;
  let cloudDir: string;
  let cloud: FakeCloud;
  let sshDir: string;
  let sshd: Sshd;
  let gpuHost: FakeGpuHost;

  before(async function () {
    this.timeout(180_000);
    const started = Date.now();
    // The remote kernel test's "GPU server": Debian's sshd on 127.0.0.1, a Host of the ssh config the settings name,
    // whose sessions find a fake nvidia-smi and a fake npm that "installs" tfjs-node-gpu.
    sshDir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-e2e-ssh-"));
    gpuHost = fakeGpuHost(path.join(sshDir, "fake-bin"));
    gpuHost.npmMode("succeed");
    sshd = await startSshd(sshDir, "sshd", { setEnv: { PATH: gpuHost.path } });
    fs.mkdirSync(path.join(sshDir, "host-notebooks"));
    fs.writeFileSync(path.join(sshDir, "config"), `Host ${REMOTE_HOST}\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n  IdentityFile ${sshd.userKey}\n`);
    fs.writeFileSync(path.join(sshDir, "known_hosts"), `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    // The deploy test's AWS: code-server's environment points the SDK at s3rver and the SageMaker fake.
    cloudDir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-e2e-cloud-"));
    cloud = await startFakeCloud(cloudDir, { transitionMs: 3000 });
    session = await startStudioSession({
      stepTimeoutMs: STEP_TIMEOUT_MS,
      readyCommand: "TF.js Studio: Open Metrics Panel",
      // No GPU here: the WebGPU test runs on lavapipe, Mesa's software Vulkan driver, which kernels skip unless told.
      env: { ...TINY_TRAINING_ENV, ...cloud.env, TFJS_STUDIO_WEBGPU_SOFTWARE: "1" },
      // Completions must come from the kernel: without these, VS Code's own TypeScript and word lists answer too.
      settings: {
        "editor.wordBasedSuggestions": "off",
        "typescript.suggest.enabled": false,
        // A theme chart colour that barely shows on the editor's background (the metrics panel must adjust it).
        "workbench.colorCustomizations": { "charts.green": PALE_GREEN },
        "tfjsStudio.remote.sshConfigFile": path.join(sshDir, "config"),
        "tfjsStudio.remote.knownHostsFile": path.join(sshDir, "known_hosts"),
        "tfjsStudio.remote.hostFolder": path.join(sshDir, "host-tfjs-studio"),
        "tfjsStudio.remote.folder": path.join(sshDir, "host-notebooks"),
      },
      prepareWorkspace(dir) {
        scaffoldTemplate("mnist-mlp", path.join(dir, "mnist-mlp"));
        // The loop leaves a file when it starts: an interrupt sent before that stops the cell before it starts.
        writeNotebook(path.join(dir, "interrupt.ipynb"), ["const kept = 41;", 'require("node:fs").writeFileSync("looping", "");\nwhile (true) {}', "kept + 1"]);
        writeNotebook(path.join(dir, "completion.ipynb"), ["const point = { xCoord: 1, yCoord: 2 };", ""]);
        writeNotebook(path.join(dir, "typeErrors.ipynb"), ["foo + bar;\nconsole.log(baz);"]);
        writeNotebook(path.join(dir, "edited.ipynb"), ["const untouched = 1;"]);
        writeNotebook(path.join(dir, "webgpu.ipynb"), ['import * as tf from "@tensorflow/tfjs";\nconst squares = await tf.tensor([1, 2, 3]).square().array();\n`${tf.getBackend()}: ${squares}`']);
        writeNotebook(path.join(dir, REMOTE_NOTEBOOK), [
          "const where = 'on the host'; where",
          [
            'import * as fs from "node:fs";',
            // Fewer lines than VS Code shows before it truncates an output (notebook.output.textLineLimit).
            "for (let epoch = 0; epoch < 20; epoch++) {",
            "  console.log(`epoch ${epoch}`);",
            `  if (epoch === 5) fs.writeFileSync("epoch-5", "");`,
            "  await new Promise((resolve) => setTimeout(resolve, 150));",
            "}",
          ].join("\n"),
          "`${where}, still`",
          [
            'import * as tf from "@tensorflow/tfjs";',
            "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });",
            'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });',
            "await model.fit(tf.tensor2d([[1], [2], [3], [4]]), tf.tensor2d([[2], [4], [6], [8]]), { epochs: 3 });",
          ].join("\n"),
        ]);
        writeNotebook(path.join(dir, "restart.ipynb"), [
          [
            'import * as tf from "@tensorflow/tfjs";',
            "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });",
            'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });',
            "const xs = tf.randomNormal([64, 1]);",
            "void model.fit(xs, xs, { epochs: 100000, batchSize: 8 });",
          ].join("\n"),
        ]);
        fs.mkdirSync(path.join(dir, "new-project"));
        writeProjectRuns(dir);
        fs.mkdirSync(path.join(dir, "graph"));
        writeNotebook(path.join(dir, GRAPH_NOTEBOOK), [
          [
            'import * as tf from "@tensorflow/tfjs";',
            "const model = tf.sequential({",
            '  name: "reviews",',
            "  layers: [",
            '    tf.layers.embedding({ name: "embedding", inputDim: 50, outputDim: 8, inputLength: 4 }),',
            '    tf.layers.lstm({ name: "lstm", units: 4 }),',
            '    tf.layers.dense({ name: "score", units: 2, activation: "softmax" }),',
            "  ],",
            "});",
            "model",
          ].join("\n"),
          // Stand-ins for a training, with values a test can read back.
          'model.getLayer("embedding").setWeights([tf.fill([50, 8], 0.25)]);',
          'model.getLayer("embedding").setWeights([tf.fill([50, 8], 0.5)]);',
        ]);
      },
    });
    console.log(`    code-server and Chromium ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    await session?.stop();
    await cloud?.stop();
    fs.rmSync(cloudDir, { recursive: true, force: true });
    // A remote kernel outlives the window by design: the ones the tests left are ended here.
    const kernels = path.join(sshDir, "host-tfjs-studio", "kernels");
    for (const id of fs.existsSync(kernels) ? fs.readdirSync(kernels) : []) {
      try {
        process.kill((JSON.parse(fs.readFileSync(path.join(kernels, id, "kernel.json"), "utf8")) as { pid: number }).pid, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
    await sshd?.stop();
    fs.rmSync(sshDir, { recursive: true, force: true });
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (!session || !test) return;
    if (test.state === "failed") {
      const file = path.join(SCREENSHOTS, `${test.fullTitle().replace(/[^\w.-]+/g, "_").slice(0, 150)}.png`);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await session.page.screenshot({ path: file }).then(
        () => console.log(`    screenshot: ${file}`),
        (error: Error) => console.log(`    no screenshot (${error.message})`),
      );
      if (session.pageErrors.length > 0) console.log(`    page errors:\n      ${session.pageErrors.slice(-5).join("\n      ")}`);
      // CI keeps only what the suite prints: what the user would have read on the screen, and the extension's log.
      const messages = await session.workbench.visibleMessages().catch(() => []);
      if (messages.length > 0) console.log(`    on screen:\n      ${messages.join("\n      ")}`);
      const extensionLog = extensionLogTail(session.server.tempRoot, 30);
      if (extensionLog) console.log(`    extension log (last lines):\n      ${extensionLog.join("\n      ")}`);
    }
    // Every test starts from a clean workbench: no quick pick or widget left open, no editor (a hidden notebook's
    // output webview would be a second candidate for the next notebook's outputs).
    try {
      await session.page.keyboard.press("Escape");
      await session.workbench.closeQuickInput();
      await session.workbench.saveAndCloseAllEditors();
    } catch (error) {
      console.log(`    could not reset the workbench: ${(error as Error).message}`);
      const file = path.join(SCREENSHOTS, `reset-after-${test.title.replace(/[^\w.-]+/g, "_").slice(0, 120)}.png`);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await session.page.screenshot({ path: file }).catch(() => undefined);
    }
  });

  it("loads the extension: the command palette lists its commands", async () => {
    const { workbench } = session;
    await workbench.openCommandPalette("TF.js Studio: ");
    for (const title of ["Open Metrics Panel", "Open Model Graph", "New Project from Template…", "Show Kernel Info", "Deploy to SSH Host…"]) {
      await workbench.quickPickRow(`TF.js Studio: ${title}`).waitFor();
    }
    await workbench.closeQuickInput();
  });

  // Before every test that opens a notebook (mocha runs a describe's own tests before its nested ones): a step must
  // not be ticked by what other tests did, and VS Code's walkthrough service only sees what happens once it runs.
  it("walkthrough, in a window with no notebook open: Run All and Select Kernel ask which notebook, and tick their step only when the kernel really runs it", async () => {
    const step = (id: string) => session.page.locator(`.getting-started-step[data-step-id$="${id}"]`);
    const stepButton = (id: string, label: string) => step(id).locator(".button-container .monaco-button", { hasText: label });
    const isTicked = async (id: string) => (await step(id).getAttribute("aria-checked")) === "true";
    const { workbench, page } = session;
    await workbench.startCommand("Welcome: Open Walkthrough...");
    await workbench.pickQuickItem(/Get Started with TF\.js Studio/);
    await step("train").click();
    await stepButton("train", "Run All").click();
    // Without an open notebook VS Code's own Run All does nothing; ours asks which notebook to run.
    await workbench.quickInput.locator(".quick-input-title", { hasText: "Which notebook to run?" }).waitFor();
    await workbench.quickPickRow("interrupt.ipynb").waitFor();
    await workbench.closeQuickInput();
    assert.equal(await isTicked("train"), false, "Train is ticked though nothing ran");
    assert.equal(await isTicked("createProject"), false, "Create a project is ticked though no project was made");

    await step("pickKernel").click();
    for (let attempt = 1; ; attempt++) {
      await stepButton("pickKernel", "Select Kernel").click();
      const picked = await workbench.quickInput
        .locator(".quick-input-title", { hasText: "Which notebook to pick the kernel for?" })
        .waitFor({ timeout: 10_000 })
        .then(() => workbench.quickPickRow("completion.ipynb").click({ timeout: 5000 }))
        .then(() => true, () => false);
      if (picked) break;
      if (attempt === 3) throw new Error("Select Kernel's notebook pick did not stay open to pick completion.ipynb (see the screenshot)");
      // The walkthrough page can take the focus back right after the button opened the pick, which closes it.
      await workbench.closeQuickInput();
    }
    await page.locator(".notifications-toasts", { hasText: "completion.ipynb runs on TypeScript (TF.js Studio)." }).waitFor();
    const notebook = new NotebookEditor(page);
    assert.match(await notebook.selectedKernel(), /TypeScript \(TF\.js Studio\)/);
    await page.locator(".tabs-container .tab", { hasText: "Walkthrough: TF.js Studio" }).click();
    await page.locator('.getting-started-step[data-step-id$="pickKernel"][aria-checked="true"]').waitFor();
    assert.equal(await isTicked("train"), false, "selecting a kernel is not training");
  });

  describe("the mnist-mlp template notebook", () => {
    it("runs all its cells on the TF.js Studio kernel, with live metric charts", async function () {
      this.timeout(300_000);
      const { workbench } = session;
      const notebook = await workbench.openNotebook(MLP_NOTEBOOK);
      await notebook.selectKernel(KERNEL_LABEL, workbench);
      assert.match(await notebook.selectedKernel(), /TypeScript \(TF\.js Studio\)/);

      await notebook.toolbarAction("Run All").click();
      // Run All is done when the toolbar offers Run All again instead of Interrupt.
      await notebook.toolbarAction("Interrupt").waitFor({ timeout: KERNEL_TIMEOUT_MS });
      await notebook.toolbarAction("Run All").waitFor({ timeout: 180_000 });

      const last = codeCellIndexContaining(path.join(session.workspace, MLP_NOTEBOOK), "loadLayersModel");
      await notebook.revealCell(last);
      assert.equal(await notebook.cellState(last), "success", "the last cell did not succeed: an earlier one failed (see the screenshot)");
      await notebook.output("same predictions as before saving").waitFor();

      const training = codeCellIndexContaining(path.join(session.workspace, MLP_NOTEBOOK), "fitDataset");
      await notebook.revealCell(training);
      await notebook.output(/after 2 epochs: loss \d/).waitFor();
      // The live chart: a canvas the metrics renderer has drawn on (not blank).
      const canvases = notebook.outputs().locator(".tfjs-metrics-output canvas");
      await canvases.first().waitFor();
      const drawn = await canvases.evaluateAll<number, Canvas>((elements) =>
        elements.filter((canvas) => {
          const { width, height } = canvas;
          const context = canvas.getContext("2d");
          if (!context || width === 0 || height === 0) return false;
          const pixels = context.getImageData(0, 0, width, height).data;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
          return false;
        }).length,
      );
      assert.ok(drawn >= 1, "no chart canvas has anything drawn on it");
    });

    it("the model graph panel shows the model's layers", async () => {
      const { workbench } = session;
      const modelFile = path.join(session.workspace, "mnist-mlp", "mnist-mlp-model", "model.json");
      assert.ok(fs.existsSync(modelFile), "the template run saved no model (the previous test failed?)");
      const topology = JSON.parse(fs.readFileSync(modelFile, "utf8")).modelTopology;
      const layers: { class_name: string; config: { name: string } }[] = (topology.model_config ?? topology).config.layers;
      const layerNames = layers.map((layer) => layer.config.name);

      // The model cell's output has a button that opens the full graph.
      const notebook = await workbench.openNotebook(MLP_NOTEBOOK);
      const modelCell = codeCellIndexContaining(path.join(session.workspace, MLP_NOTEBOOK), "tf.sequential");
      await notebook.revealCell(modelCell);
      await notebook.outputs().locator(".tfjs-model-output button.open-graph").click();
      const panel = workbench.webviewPanel();
      await panel.locator("body", { hasText: layerNames[0] }).waitFor();
      const text = await panel.locator("body").evaluate((body) => body.textContent ?? "");
      for (const name of layerNames) assert.ok(text.includes(name), `the graph panel does not show layer ${name}`);

      // The saved model.json, read on the extension's model reader thread: its layers, and a layer's weight histograms.
      // (The cell's panel is closed first, so that the file's panel is the only webview panel in sight.)
      await workbench.closeEditor("Model Graph:");
      await workbench.runCommand("TF.js Studio: Open Model Graph");
      await workbench.pickQuickItem(/mnist-mlp-model\/model\.json/);
      await session.page.locator(".tabs-container .tab.active", { hasText: "mnist-mlp-model/model.json" }).waitFor();
      const filePanel = workbench.webviewPanel();
      await filePanel.locator("body[data-state='ready']").waitFor();
      const dense = layers.find((layer) => layer.class_name === "Dense")!.config.name;
      await filePanel.locator(`g.layer-node[data-name="${dense}"]`).click();
      await filePanel.locator("svg.histogram").first().waitFor();
    });

    it("the metrics panel lists the run", async () => {
      const { workbench } = session;
      const runsDir = path.join(session.workspace, "mnist-mlp", "runs");
      const runs = fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : [];
      assert.equal(runs.length, 1, `expected the template run's log in ${runsDir}`);
      await workbench.runCommand("TF.js Studio: Open Metrics Panel");
      const panel = workbench.webviewPanel();
      const row = panel.locator(".tfjs-metrics-run-row", { has: panel.locator(`.tfjs-metrics-run-name[title*="${runs[0]}"]`) });
      await row.waitFor();
      assert.equal(await row.getAttribute("data-status"), "completed");
    });

    it("packages the trained model from the explorer, serves it on a local endpoint, invokes it and stops it", async () => {
      const { workbench, page } = session;
      assert.ok(fs.existsSync(path.join(session.workspace, "mnist-mlp", "mnist-mlp-model", "model.json")), "the template run saved no model (an earlier test failed?)");
      await workbench.openFile("mnist-mlp/mnist-mlp-model/model.json");
      await workbench.contextMenuAction(() => workbench.revealActiveFileInExplorer("model.json"), "Package Model…");

      const toast = (text: string | RegExp) => page.locator(".notifications-toasts .notification-toast", { hasText: text });
      const packaged = toast(/Packaged mnist-mlp-model into mnist-mlp\/model\.tar\.gz \([\d.]+ [kM]B\)/);
      await packaged.waitFor({ timeout: 60_000 });
      assert.ok(fs.existsSync(path.join(session.workspace, "mnist-mlp", "model.tar.gz")));
      await packaged.locator(".monaco-button", { hasText: "Start Local Endpoint" }).click();

      const status = page.locator(".statusbar-item", { hasText: /mnist-mlp-model · 127\.0\.0\.1:\d+/ });
      await status.waitFor({ timeout: 60_000 });
      const url = `http://${/127\.0\.0\.1:\d+/.exec(await status.innerText())![0]}`;
      assert.equal((await fetch(`${url}/ping`)).status, 200, "the endpoint in the status bar answers /ping");
      const served = toast(`mnist-mlp-model is served at ${url}`);
      await served.locator(".monaco-button", { hasText: "Invoke…" }).click();
      await workbench.pickQuickItem("An example in the input's shape");
      // Ten class probabilities for the example image.
      await toast(/mnist-mlp-model \(\d+ ms\): \[0\] \[([\d.e-]+,){9}[\d.e-]+\]/).waitFor({ timeout: 30_000 });

      await status.click();
      await workbench.pickQuickItem(/Stop Local Endpoint/);
      await status.waitFor({ state: "hidden", timeout: 40_000 });
      await assert.rejects(fetch(`${url}/ping`), "the endpoint still answers after Stop Local Endpoint");
    });

    it("deploys the package to SageMaker from the palette with progress, lists it in the Endpoints view, invokes it and deletes it", async () => {
      const { workbench, page } = session;
      const archive = path.join(session.workspace, "mnist-mlp", "model.tar.gz");
      assert.ok(fs.existsSync(archive), "no model.tar.gz (the packaging test failed?)");
      // SageMaker's runtime (the fake) forwards invocations to this server of the same package.
      const server = await startModelServer({ source: archive, port: 0, log: false });
      await server.loaded;
      cloud.fake.options.serveUrl = server.url;
      try {
        await workbench.startCommand("TF.js Studio: Deploy to SageMaker…");
        await workbench.pickQuickItem("mnist-mlp/model.tar.gz");
        await workbench.answerInputBox("Endpoint name", "mnist-mlp");
        await workbench.answerInputBox("AWS region");
        await workbench.answerInputBox("S3 bucket", "models");
        await workbench.answerInputBox("S3 key prefix");
        await workbench.answerInputBox("Execution role ARN", E2E_ROLE);
        await workbench.answerInputBox("Container image URI", E2E_IMAGE);
        await workbench.pickQuickItem("Real-time");
        await workbench.pickQuickItem("ml.m5.large");
        await workbench.answerInputBox("Instance count");
        // Optional settings: none.
        await workbench.quickInput.locator("input[placeholder^='Optional settings']").waitFor();
        await workbench.quickInput.locator(".monaco-button", { hasText: "OK" }).click();

        const toast = (text: string | RegExp) => page.locator(".notifications-toasts .notification-toast", { hasText: text });
        await toast(/Deploying mnist-mlp to SageMaker \(us-east-1\).*Waiting for the endpoint: Creating, \d+ s/).waitFor({ timeout: 60_000 });
        const deployed = toast(/Endpoint mnist-mlp created in us-east-1 \(ml\.m5\.large × 1\), InService; test call \d+ ms: \[0\]/);
        await deployed.waitFor({ timeout: 60_000 });
        await deployed.locator(".monaco-button", { hasText: "Show Endpoints" }).click();

        const row = page.locator("#workbench\\.parts\\.sidebar .monaco-list-row", { hasText: "mnist-mlp" }).filter({ hasText: /InService · ml\.m5\.large × 1 · us-east-1 · up \d+ s/ });
        await row.waitFor();
        const count = page.locator(".statusbar-item", { hasText: "1 SageMaker endpoint" });
        await count.waitFor();

        await row.hover();
        await row.locator(".action-label[aria-label^='Invoke SageMaker Endpoint']").click();
        await workbench.pickQuickItem(/An example for mnist-mlp\/model\.tar\.gz/);
        await toast(/mnist-mlp \(\d+ ms\): \[0\] \[([\d.e-]+,){9}[\d.e-]+\]/).waitFor({ timeout: 30_000 });
        assert.ok(cloud.fake.operations().filter((operation) => operation === "InvokeEndpoint").length >= 2, "the deploy's test call and Invoke went through SageMaker's runtime");

        await row.hover();
        await row.locator(".action-label[aria-label^='Delete Endpoint']").click();
        await page.locator(".monaco-dialog-box .monaco-button", { hasText: "Delete" }).click();
        await toast("Deleted endpoint mnist-mlp, its configuration and its model.").waitFor({ timeout: 30_000 });
        await row.waitFor({ state: "hidden" });
        await count.waitFor({ state: "hidden" });
        assert.equal(cloud.fake.endpoints.size, 0);
        assert.equal(cloud.fake.models.size, 0);
      } finally {
        await server.close();
      }
    });

    it("deploys the package to an SSH host from the palette with progress, lists it in the Endpoints view and deletes it", async () => {
      const { workbench, page } = session;
      const [port] = await freePorts(1);
      // A host not known yet: its key is asked about in VS Code, as the command runs. Trusted again whatever happens
      // here: the remote kernel test expects a known host.
      const knownHosts = path.join(sshDir, "known_hosts");
      const trusted = fs.readFileSync(knownHosts, "utf8");
      fs.rmSync(knownHosts);
      try {
        await workbench.startCommand("TF.js Studio: Deploy to SSH Host…");
        await workbench.pickQuickItem("mnist-mlp/model.tar.gz");
        await workbench.pickQuickItem(REMOTE_HOST);
        await workbench.answerInputBox("Endpoint name on", "mnist-ssh");
        await workbench.answerInputBox("Port on", String(port));
        // The default, 127.0.0.1, with the warning about 0.0.0.0 in the question.
        await workbench.answerInputBox("0.0.0.0 exposes it to the host's network");
        await page.locator(".monaco-dialog-box", { hasText: "The authenticity of host" }).locator(".monaco-button", { hasText: "Trust and Connect" }).click({ timeout: KERNEL_TIMEOUT_MS });

        const toast = (text: string | RegExp) => page.locator(".notifications-toasts .notification-toast", { hasText: text });
        const deployed = toast(new RegExp(`Endpoint mnist-ssh created on ${REMOTE_HOST}, listening on 127\\.0\\.0\\.1:${port} there; test call \\d+ ms: \\[0\\]`));
        await deployed.waitFor({ timeout: KERNEL_TIMEOUT_MS });
        // The sshd's host is this machine: the server answers on its port there.
        assert.equal((await fetch(`http://127.0.0.1:${port}/ping`)).status, 200);
        await deployed.locator(".monaco-button", { hasText: "Show Endpoints" }).click();

        const row = page.locator("#workbench\\.parts\\.sidebar .monaco-list-row", { hasText: "mnist-ssh" }).filter({ hasText: new RegExp(`running · .* · ${REMOTE_HOST} 127\\.0\\.0\\.1:${port} · up \\d+ s`) });
        await row.waitFor();
        await row.hover();
        await row.locator(".action-label[aria-label^='Delete Endpoint']").click();
        await page.locator(".monaco-dialog-box .monaco-button", { hasText: "Delete" }).click();
        await toast(`Stopped endpoint mnist-ssh on ${REMOTE_HOST} and removed its folder.`).waitFor({ timeout: 30_000 });
        await row.waitFor({ state: "hidden" });
        await assert.rejects(fetch(`http://127.0.0.1:${port}/ping`), "the endpoint still answers after Delete Endpoint");
        assert.ok(!fs.existsSync(path.join(sshDir, "host-tfjs-studio", "endpoints", "mnist-ssh")), "its folder is gone from the host");
      } finally {
        if (!fs.existsSync(knownHosts)) fs.writeFileSync(knownHosts, trusted);
      }
    });
  });

  describe("the metrics panel, with runs of two projects", () => {
    /** Opens the LSTM notebook and, from it, the metrics panel; waits for every run's row. */
    async function openPanelFromLstmNotebook(): Promise<FrameLocator> {
      const { workbench } = session;
      await workbench.openNotebook(LSTM_NOTEBOOK);
      await workbench.runCommand("TF.js Studio: Open Metrics Panel");
      const panel = workbench.webviewPanel();
      await panel.locator(".tfjs-metrics-run-row").nth(2).waitFor();
      return panel;
    }

    const rowOf = (panel: FrameLocator, folder: string) => panel.locator(`.tfjs-metrics-run-group[data-folder$="/${folder}"] .tfjs-metrics-run-row`);

    it("opened from a notebook, shows that notebook's runs only, grouped by folder, each name whole and distinct", async () => {
      const panel = await openPanelFromLstmNotebook();
      const groups = await panel.locator(".tfjs-metrics-run-group-name").evaluateAll((names) => names.map((name) => name.textContent));
      // Earlier tests' runs (the mnist-mlp template, a restart) make groups of their own.
      assert.deepEqual(groups.filter((group) => group === LSTM_FOLDER || group === MNIST_FOLDER).sort(), [LSTM_FOLDER, MNIST_FOLDER].sort());
      const lstm = rowOf(panel, LSTM_FOLDER);
      await lstm.filter({ has: panel.locator("vscode-checkbox[checked]") }).waitFor();
      const mnist = rowOf(panel, MNIST_FOLDER);
      assert.equal(await mnist.count(), 2);
      const ticked = await panel.locator(".tfjs-metrics-run-row").filter({ has: panel.locator("vscode-checkbox[checked]") }).count();
      assert.equal(ticked, await lstm.count(), "another project's runs are ticked");
      // The charts span the LSTM's 80 steps, not the MNIST runs' 1,200.
      await panel.locator(".tfjs-metrics-card[data-metric='loss'] .tfjs-metrics-chart[data-points='80']").waitFor();
      const labels = await mnist.locator(".tfjs-metrics-run-label").evaluateAll((names) => names.map((name) => name.textContent ?? ""));
      assert.equal(labels.length, 2);
      assert.ok(labels.every((label) => label.startsWith("sequential_1 ")), labels.join(", "));
      assert.notEqual(labels[0], labels[1], "two runs of one name look alike");
      const cut = await panel.locator(".tfjs-metrics-run-label, .tfjs-metrics-run-group-name").evaluateAll<(string | null)[], PageElement & { scrollWidth: number; clientWidth: number }>((names) =>
        names.filter((name) => name.scrollWidth > name.clientWidth).map((name) => name.textContent),
      );
      assert.deepEqual(cut, [], "run names are cut off though the panel has room");
      const legend = panel.locator(".tfjs-metrics-line-legend");
      await legend.filter({ hasText: "solid: training, per batch, smoothed" }).waitFor();
      await legend.filter({ hasText: "dashed: validation, per epoch" }).waitFor();

      // Ticking a run of the other project shows it (the axis now spans its 1,200 steps).
      await mnist.first().locator("vscode-checkbox").click();
      await panel.locator(".tfjs-metrics-card[data-metric='loss'] .tfjs-metrics-chart[data-points='1200']").waitFor();
    });

    it("at smoothing 0.99, still tells where the run ended: raw values in the tooltip, exact ones in the run list", async () => {
      const panel = await openPanelFromLstmNotebook();
      const lstm = rowOf(panel, LSTM_FOLDER);
      assert.equal(await lstm.locator(".tfjs-metrics-run-final").innerText(), `loss ${LSTM_LAST_LOSS} · acc 1 · val_loss ${LSTM_LAST_VAL_LOSS} · val_acc 1`);
      const slider = panel.locator(".tfjs-metrics-smoothing input");
      await slider.evaluate<void, { value: string }>((input) => {
        input.value = "0.99";
      });
      await slider.dispatchEvent("input");
      await panel.locator(".tfjs-metrics-smoothing", { hasText: "Smoothing 0.99" }).waitFor();
      // The cursor at the loss chart's right end: the last step.
      const over = panel.locator(".tfjs-metrics-card[data-metric='loss'] .u-over");
      const box = await over.boundingBox();
      assert.ok(box, "the loss chart is not on screen");
      await over.hover({ position: { x: box.width - 2, y: box.height / 2 } });
      const tooltip = panel.locator(".tfjs-metrics-card[data-metric='loss'] .tfjs-metrics-tooltip");
      await tooltip.filter({ hasText: "step 80" }).waitFor();
      const text = await tooltip.innerText();
      const smoothed = /loss: smoothed ([\d.]+) · raw ([\d.]+)/.exec(text);
      assert.ok(smoothed, `no smoothed and raw loss in the tooltip:\n${text}`);
      assert.ok(Number(smoothed[1]) > 0.01, `the smoothed loss ${smoothed[1]} should lag behind`);
      assert.equal(Number(smoothed[2]), LSTM_LAST_LOSS);
      assert.match(text, new RegExp(`val_loss: ${LSTM_LAST_VAL_LOSS}(\n|$)`), "val_loss is not smoothed");
    });

    it("draws each run in a colour that stands out from the background, even where the theme's chart colour does not", async () => {
      const panel = await openPanelFromLstmNotebook();
      const colors = await panel.locator("body").evaluate<{ background: string; swatches: string[] }, StyledElement>((body) => ({
        background: body.ownerDocument.defaultView!.getComputedStyle(body).backgroundColor,
        swatches: [...body.querySelectorAll(".tfjs-metrics-run-color")].map((swatch) => body.ownerDocument.defaultView!.getComputedStyle(swatch).backgroundColor),
      }));
      assert.ok(colors.swatches.length >= 3, `${colors.swatches.length} run colours`);
      const background = parseColor(colors.background)!;
      for (const swatch of colors.swatches) {
        const ratio = contrastRatio(parseColor(swatch)!, background);
        assert.ok(ratio >= LINE_CONTRAST, `run colour ${swatch} on ${colors.background}: contrast ${ratio.toFixed(2)}`);
      }
      assert.ok(contrastRatio(parseColor(PALE_GREEN)!, background) < LINE_CONTRAST, "(the theme's green is what needs adjusting)");
    });

    it("starts its save dialogs, each with a title, in the folder of the notebook that wrote the runs", async () => {
      const { workbench } = session;
      const panel = await openPanelFromLstmNotebook();
      const lstmFolder = path.join(session.workspace, LSTM_FOLDER);
      const dialogs = [
        { button: panel.locator("#export-csv"), title: "Export the Charts' Series as CSV", file: path.join(lstmFolder, "metrics.csv") },
        { button: panel.locator(".tfjs-metrics-card[data-metric='loss'] .tfjs-metrics-png"), title: "Save the loss Chart as PNG", file: path.join(lstmFolder, "loss.png") },
      ];
      for (const { button, title, file } of dialogs) {
        await button.click();
        // code-server's save dialog is a quick input: the title above, the path in the box.
        await workbench.quickInput.locator(".quick-input-title", { hasText: title }).waitFor();
        // The box fills in once the dialog has listed the folder.
        const box = workbench.quickInput.locator("input");
        for (let waited = 0; waited < 10_000 && (await box.inputValue()) !== file; waited += 250) await session.page.waitForTimeout(250);
        assert.equal(await box.inputValue(), file);
        await workbench.closeQuickInput();
      }
    });

    it("keeps an accuracy at 1.0 on a 0–1 axis, and puts only the loss on a log scale", async () => {
      const panel = await openPanelFromLstmNotebook();
      const chart = (metric: string) => panel.locator(`.tfjs-metrics-card[data-metric='${metric}'] .tfjs-metrics-chart`);
      await chart("acc").and(panel.locator("[data-y-range='0 1']")).waitFor();
      await panel.locator("#log-y").click();
      await chart("loss").and(panel.locator("[data-y-scale='log']")).filter({ hasText: "log scale" }).waitFor();
      assert.equal(await chart("acc").getAttribute("data-y-scale"), "unit");
      assert.equal(await chart("acc").getAttribute("data-y-range"), "0 1");
      assert.equal(await chart("acc").filter({ hasText: "log scale" }).count(), 0);
    });
  });

  describe("the model graph panel", () => {
    /** The Min, Max, … rows of a weight in the details pane. */
    async function weightStats(panel: FrameLocator, weight: string): Promise<Record<string, string>> {
      const rows = panel.locator(`.layer-details .weight[data-weight="${weight}"] tr`);
      await rows.first().waitFor();
      const pairs = await rows.evaluateAll<[string, string][], PageElement & { cells: ArrayLike<PageElement> }>((each) =>
        each.map((row) => [row.cells[0].textContent ?? "", row.cells[1].textContent ?? ""]),
      );
      return Object.fromEntries(pairs);
    }

    async function runCells(notebook: NotebookEditor, ...indices: number[]): Promise<void> {
      for (const index of indices) {
        // Scrolled to the top: under the output of a cell above, its run button would not show on hover.
        await notebook.revealCell(index);
        await notebook.runCell(index);
        assert.equal(await notebook.waitForCellState(index, ["success", "error"], KERNEL_TIMEOUT_MS), "success", `cell ${index} failed`);
      }
    }

    /** Runs the model cell and the given cells after it, and opens the model's graph beside the notebook. */
    async function openModelGraph(...after: number[]): Promise<{ notebook: NotebookEditor; panel: FrameLocator }> {
      const { workbench } = session;
      const notebook = await workbench.openNotebook(GRAPH_NOTEBOOK);
      await notebook.selectKernel(KERNEL_LABEL, workbench);
      await runCells(notebook, 0, ...after);
      await notebook.revealCell(0);
      await notebook.outputs().locator(".tfjs-model-output button.open-graph").click();
      const panel = workbench.webviewPanel();
      await panel.locator("body[data-state='ready'][data-weights='kernel']").waitFor();
      return { notebook, panel };
    }

    it("shows the model's current weights, read from the kernel, on open and on Refresh; a snapshot, said so, once the kernel restarted", async function () {
      this.timeout(240_000);
      const { workbench, page } = session;
      // The model is shown with its initial weights (±0.05), then "trained".
      const { notebook, panel } = await openModelGraph(1);
      assert.match(await panel.locator("#weights-origin").innerText(), /^Current weights, read from the kernel at \d\d:\d\d:\d\d/);
      await panel.locator('g.layer-node[data-name="embedding"]').click();
      const opened = await weightStats(panel, "embedding/embeddings");
      assert.deepEqual([opened.Min, opened.Max], ["0.25", "0.25"], "the panel shows the weights the model had when its cell ran");

      // Trained again: Refresh reads the new values, and the view stays as it was.
      await runCells(notebook, 2);
      await panel.locator("#refresh").click();
      await panel.locator(".weight[data-weight='embedding/embeddings'] tr", { hasText: /^Min\s*0\.5$/ }).waitFor();
      assert.equal(await panel.locator(".layer-details").getAttribute("data-name"), "embedding", "the selected layer stays selected");

      // After a restart the model is gone: the last values read stay, and the panel says what they are.
      // The notebook, not the panel, is what Restart Kernel acts on.
      await notebook.focusCellEnd(2);
      await workbench.runCommand("TF.js Studio: Restart Kernel");
      await page.locator(".statusbar-item", { hasText: /TF\.js restarting/ }).waitFor();
      await page.locator(".statusbar-item", { hasText: /TF\.js idle/ }).waitFor({ timeout: KERNEL_TIMEOUT_MS });
      await panel.locator("#refresh").click();
      await panel.locator("body[data-weights='snapshot']").waitFor();
      assert.match(await panel.locator("#weights-origin").innerText(), /^Weights as of \d\d:\d\d:\d\d( [AP]M)? \(a snapshot, not the current weights\)\. The kernel that displayed this model has been restarted/);
      assert.equal((await weightStats(panel, "embedding/embeddings")).Min, "0.5");
    });

    it("fits its width: one toolbar row of labelled buttons, details under the graph when narrow and beside it when wide, whole words, and the whole graph after each direction change and resize", async function () {
      this.timeout(180_000);
      const { workbench } = session;
      const { notebook, panel } = await openModelGraph();
      const body = panel.locator("body");
      const whollyShown = async (when: string) => {
        // The layout and the refit that follows a change take a moment.
        await panel.locator("body[data-state='ready']").waitFor();
        await session.page.waitForTimeout(500);
        assert.deepEqual(await body.evaluate(layersOutOfView), [], `layers out of view ${when}`);
      };
      const buttons = panel.locator(".toolbar vscode-toolbar-button");
      for (let i = 0; i < (await buttons.count()); i++) {
        const button = buttons.nth(i);
        assert.ok(await button.getAttribute("title"), `toolbar button ${await button.getAttribute("id")} has no tooltip`);
      }

      // Beside the notebook, the panel is narrow.
      await panel.locator('g.layer-node[data-name="embedding"]').click();
      assert.equal(await body.evaluate(detailsPlacement), "below");
      assert.ok((await panel.locator(".toolbar").evaluate(toolbarRowSpread)) < 8, "the toolbar wraps onto a second row");
      assert.deepEqual(await panel.locator(".layer-details").evaluate(wordsBrokenAcrossLines), [], "words broken across lines in the details");
      await whollyShown("top-down, narrow");

      await panel.locator("#direction").click();
      await panel.locator("#direction li[role='option']", { hasText: "Left-right" }).click();
      await whollyShown("left-right, narrow");

      await workbench.runCommand("View: Toggle Maximize Editor Group");
      await panel.locator("body:not(.narrow)").waitFor();
      assert.equal(await body.evaluate(detailsPlacement), "beside");
      assert.deepEqual(await panel.locator(".layer-details").evaluate(wordsBrokenAcrossLines), [], "words broken across lines in the details, wide");
      await whollyShown("left-right, wide");

      await workbench.runCommand("View: Toggle Maximize Editor Group");
      await panel.locator("body.narrow").waitFor();
      await whollyShown("left-right, narrow again");

      // A third editor column: the notebook split in two beside the panel.
      await notebook.focusCellEnd(0);
      await workbench.runCommand("View: Split Editor Right");
      await session.page.waitForTimeout(1000);
      assert.ok((await panel.locator(".toolbar").evaluate(toolbarRowSpread)) < 8, "the toolbar wraps onto a second row in a third column");
      assert.deepEqual(await panel.locator(".toolbar").evaluate(toolbarItemsCutOff), [], "toolbar items cut off in a third column");
      assert.deepEqual(await panel.locator(".layer-details").evaluate(wordsBrokenAcrossLines), [], "words broken across lines in the details, in a third column");
      // Too narrow for the whole graph at a readable size: its start is shown.
      assert.ok(!(await body.evaluate(layersOutOfView)).includes("embedding_input"), "the graph's start is out of view in a third column");
      // The notebook's second editor goes (the active group), so that closing the last one cannot ask about saving twice.
      await workbench.runCommand("View: Close Editor Group");
    });

    it("exports the plain graph, without find highlights or selection, from a save dialog in the notebook's folder, and says where it saved it or that it did not", async function () {
      this.timeout(180_000);
      const { workbench } = session;
      const { panel } = await openModelGraph();
      // The exact match is selected too.
      await panel.locator("#find input").fill("embedding");
      await panel.locator("#find-status", { hasText: "of 2" }).waitFor();
      const status = panel.locator("#status");

      await panel.locator("#export-svg").click();
      await workbench.quickInput.locator(".quick-input-title", { hasText: "Export the graph of reviews as SVG" }).waitFor();
      const target = path.join(session.workspace, "graph", "reviews.svg");
      // The dialog fills in its path a moment after it shows.
      const box = workbench.quickInput.locator("input");
      for (let wait = 0; wait < 20 && (await box.inputValue()) !== target; wait++) await session.page.waitForTimeout(250);
      assert.equal(await box.inputValue(), target, "the save dialog does not start in the notebook's folder");
      await box.press("Enter");
      await status.filter({ hasText: `SVG saved to ${target}` }).waitFor();
      const svg = fs.readFileSync(target, "utf8");
      const layerBoxes = [...svg.matchAll(/<g class="layer-node[^"]*"[^>]*>(?:<title>[^<]*<\/title>)?<rect [^>]*>/g)].map((match) => match[0]);
      assert.equal(layerBoxes.length, 4, svg.slice(0, 2000));
      assert.deepEqual(layerBoxes.filter((each) => /\b(match|selected)\b/.test(each)), [], "marked layers in the export");
      assert.deepEqual([...new Set(layerBoxes.map((each) => /stroke-width="([^"]*)"/.exec(each)?.[1]))], ["1px"], "highlighted borders in the export");
      // The input layer, not trainable, has a fill of its own; the three others one fill.
      const trainable = layerBoxes.filter((each) => each.startsWith('<g class="layer-node"'));
      assert.equal(new Set(trainable.map((each) => /fill="([^"]*)"/.exec(each)?.[1])).size, 1, `highlighted fills in the export:\n${trainable.join("\n")}`);
      // The panel keeps its marks.
      assert.equal(await panel.locator("g.layer-node.match").count(), 2);

      await panel.locator("#export-png").click();
      await workbench.quickInput.locator(".quick-input-title", { hasText: "Export the graph of reviews as PNG" }).waitFor();
      await session.page.keyboard.press("Escape");
      await status.filter({ hasText: "PNG export cancelled: nothing was saved." }).waitFor();
      assert.equal(fs.existsSync(path.join(session.workspace, "graph", "reviews.png")), false);
    });

    it("marks find matches with the editor's find colours, their text readable in light and dark themes", async function () {
      this.timeout(180_000);
      const { workbench } = session;
      const { panel } = await openModelGraph();
      await panel.locator("#find input").fill("embedding");
      await panel.locator("#find-status", { hasText: "of 2" }).waitFor();
      const body = panel.locator("body");
      const contrastIn = async (theme: string) => {
        await workbench.startCommand("Preferences: Color Theme");
        await workbench.pickQuickItem(theme);
        await workbench.quickInput.waitFor({ state: "hidden" });
        // The page gets the new theme's colours a moment later.
        await session.page.waitForTimeout(1000);
        return body.evaluate(lowestFindMatchContrast);
      };
      try {
        for (const theme of ["Dark Modern", "Light Modern"]) {
          const contrast = await contrastIn(theme);
          assert.ok(contrast >= 4.5, `find matches in ${theme}: text contrast ${contrast.toFixed(2)}, below 4.5`);
        }
      } finally {
        await contrastIn("Light Modern").catch(() => undefined);
      }
    });
  });

  /** Opens a notebook of the workspace on the TF.js Studio kernel and runs its first cell, which must succeed. */
  async function openAndRunFirstCell(relativePath: string): Promise<NotebookEditor> {
    const { workbench } = session;
    const notebook = await workbench.openNotebook(relativePath);
    await notebook.selectKernel(KERNEL_LABEL, workbench);
    await notebook.runCell(0);
    assert.equal(await notebook.waitForCellState(0, ["success", "error"], KERNEL_TIMEOUT_MS), "success");
    return notebook;
  }

  it("shows kernel info beside the notebook, each fact once, and copies it from the title bar", async () => {
    const { page } = session;
    await openAndRunFirstCell("completion.ipynb");
    await page.locator(".statusbar-item", { hasText: /TF\.js idle/ }).click();
    // A document in a tab of its own, not a modal dialog that blocks the window.
    await page.locator(".tabs-container .tab", { hasText: "Kernel Info (completion.ipynb)" }).waitFor();
    assert.equal(await page.locator(".monaco-dialog-box").count(), 0, "a modal dialog opened");
    // Monaco renders spaces as non-breaking ones.
    const text = (await page.locator('.editor-instance .monaco-editor[data-uri^="tfjs-studio-kernel-info:"] .view-lines').innerText()).replace(/\u00a0/g, " ");
    assert.match(text, /Backend: wasm/);
    assert.equal(text.match(/TensorFlow\.js/g)?.length, 1, `the TensorFlow.js version is repeated:\n${text}`);
    await page.locator(".editor-actions .action-label.codicon-copy").click();
    await page.locator(".statusbar-item", { hasText: "Kernel info copied" }).waitFor();
  });

  it("runs a notebook on WebGPU when the backend setting asks for it, and names the adapter in the status bar", async () => {
    const { page, workbench, server } = session;
    const settings = JSON.parse(fs.readFileSync(server.userSettingsFile, "utf8")) as object;
    await workbench.replaceUserSettings({ ...settings, "tfjsStudio.backend": "webgpu" });
    try {
      const notebook = await openAndRunFirstCell("webgpu.ipynb");
      await notebook.output(/webgpu: 1,4,9/).waitFor();
      await page.locator(".statusbar-item", { hasText: /TF\.js idle · GPU: llvmpipe.* \(WebGPU\)/ }).waitFor();
      await workbench.runCommand("TF.js Studio: Shut Down Kernel");
      await page.locator(".statusbar-item", { hasText: /TF\.js shut down/ }).waitFor();
    } finally {
      await workbench.replaceUserSettings(settings);
    }
  });

  it("interrupts `while (true) {}`, and the next cell still sees earlier variables", async () => {
    const notebook = await openAndRunFirstCell("interrupt.ipynb");

    await notebook.runCell(1);
    await notebook.waitForCellState(1, ["executing"], STEP_TIMEOUT_MS);
    // Inside the loop: on a busy machine the cell may still be compiling when VS Code shows it executing.
    const looping = path.join(session.workspace, "looping");
    for (const deadline = Date.now() + STEP_TIMEOUT_MS; !fs.existsSync(looping); ) {
      assert.ok(Date.now() < deadline, "the cell did not start its loop");
      await session.page.waitForTimeout(100);
    }
    await notebook.stopCell(1);
    assert.equal(await notebook.waitForCellState(1, ["success", "error"], STEP_TIMEOUT_MS), "error");
    // It says where the cell was, not only that it was interrupted.
    await notebook.output(/the cell was interrupted while its code ran without yielding/).waitFor();

    await notebook.runCell(2);
    assert.equal(await notebook.waitForCellState(2, ["success", "error"], STEP_TIMEOUT_MS), "success");
    await notebook.output(/^\s*42\s*$/).waitFor();
  });

  it("shows every type error's message, each with a link to its cell line", async () => {
    const { workbench } = session;
    const notebook = await workbench.openNotebook("typeErrors.ipynb");
    await notebook.selectKernel(KERNEL_LABEL, workbench);
    await notebook.runCell(0);
    assert.equal(await notebook.waitForCellState(0, ["success", "error"], KERNEL_TIMEOUT_MS), "error");
    for (const name of ["foo", "bar", "baz"]) await notebook.output(`Cannot find name '${name}'`).waitFor();
    // VS Code's error renderer links "Cell In[N], line L" to the cell: one link a type error.
    const links = notebook.outputs().locator(".output a", { hasText: /^line \d+$/ });
    await links.nth(2).waitFor();
    assert.equal(await links.count(), 3);
  });

  it("leaves an edited notebook unsaved until the user saves it, also while its kernel runs", async () => {
    const { page, workbench } = session;
    const file = path.join(session.workspace, "edited.ipynb");
    const onDisk = fs.readFileSync(file, "utf8");
    const notebook = await workbench.openNotebook("edited.ipynb");
    await notebook.selectKernel(KERNEL_LABEL, workbench);
    await notebook.runCell(0);
    assert.equal(await notebook.waitForCellState(0, ["success", "error"], KERNEL_TIMEOUT_MS), "success");
    await notebook.focusCellEnd(0);
    await page.keyboard.type(" // edited by mistake");
    await page.locator(".tabs-container .tab.dirty", { hasText: "edited.ipynb" }).waitFor();
    // Nothing to wait for when nothing should happen: twice VS Code's auto-save delay, had it been on.
    await page.waitForTimeout(2500);
    assert.equal(fs.readFileSync(file, "utf8"), onDisk, "the notebook was saved without the user asking");
    await page.locator(".tabs-container .tab.dirty", { hasText: "edited.ipynb" }).waitFor();
  });

  it("a restart ends live metrics that were still training, instead of leaving them training forever", async () => {
    const { workbench } = session;
    const notebook = await workbench.openNotebook("restart.ipynb");
    await notebook.selectKernel(KERNEL_LABEL, workbench);
    // The cell ends at once; the training it started goes on, updating the output. (Each update of a finished
    // cell's output briefly shows it running again, so its state is not waited for here.)
    await notebook.runCell(0);
    const status = notebook.outputs().locator(".tfjs-metrics-status");
    await status.filter({ hasText: /^Epoch \d+\/100000 · batch/ }).waitFor();
    await workbench.runCommand("TF.js Studio: Restart Kernel");
    await status.filter({ hasText: /^Interrupted · Epoch \d+\/100000/ }).waitFor();
    assert.match((await status.getAttribute("title")) ?? "", /The kernel was restarted or shut down during training/);
  });

  it("completes a property of a variable declared in an earlier cell", async () => {
    const { page } = session;
    const notebook = await openAndRunFirstCell("completion.ipynb");

    await notebook.focusCellEnd(1);
    await page.keyboard.type("point.");
    const suggestions = page.locator(".suggest-widget.visible .monaco-list-row");
    // "." may trigger suggestions by itself; Ctrl+Space asks explicitly.
    await suggestions.first().waitFor({ timeout: 3000 }).catch(() => page.keyboard.press("Control+Space"));
    await page.locator(".suggest-widget.visible .monaco-list-row .label-name", { hasText: /^xCoord$/ }).waitFor();
  });

  it("New Project from Template… scaffolds a project and opens its notebook", async () => {
    const { workbench, page } = session;
    const target = path.join(session.workspace, "new-project");
    await workbench.startCommand("TF.js Studio: New Project from Template…");
    for (const name of ["lstm-text-classification", "mnist-cnn", "mnist-mlp"]) {
      const row = workbench.quickPickRow(name);
      await row.waitFor();
      // VS Code cuts a line too long for the picker off with "…": each template's description must show whole.
      const clipped = await row
        .locator("*")
        .evaluateAll((elements: { textContent: string | null; scrollWidth: number; clientWidth: number }[]) =>
          elements.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent),
        );
      assert.deepEqual(clipped, [], `${name}'s row is cut off`);
    }
    await workbench.pickQuickItem(/mnist-cnn/);
    // code-server's folder picker is a quick input with a path and the folder's listing. Once it lists the workspace
    // folder, type the target; once it lists the target's contents (only ".."), accept it.
    const listed = (name: string) => workbench.quickPickRow(name);
    await listed("mnist-mlp").waitFor();
    // The picker may still rewrite its box with the folder it lists right after that: type until the path stays.
    const box = workbench.quickInput.locator("input");
    for (let attempt = 0; attempt < 5 && (await box.inputValue()) !== `${target}/`; attempt++) {
      await box.fill(`${target}/`);
      await page.waitForTimeout(500);
    }
    await listed("mnist-mlp").waitFor({ state: "hidden" });
    await listed("..").waitFor();
    await workbench.quickInput.locator("input").press("Enter");
    await workbench.quickInput.waitFor({ state: "hidden" });

    await page.locator('.tabs-container .tab.active[data-resource-name="mnist-cnn.ipynb"]').waitFor();
    await page.locator(".notebook-editor:visible").waitFor();
    assert.ok(fs.existsSync(path.join(target, "mnist-cnn.ipynb")), "the notebook was not written into the chosen folder");
    assert.ok(fs.existsSync(path.join(target, "data.ts")), "the template's data.ts was not written");
    // Now that a project exists, the walkthrough ticks its first step (the walkthrough test left it unticked).
    await workbench.startCommand("Welcome: Open Walkthrough...");
    await workbench.pickQuickItem(/Get Started with TF\.js Studio/);
    await page.locator('.getting-started-step[data-step-id$="createProject"][aria-checked="true"]').waitFor();
  });

  // Last: its reload restarts the window's extensions, which no test after it should have to allow for.
  describe("a remote kernel over SSH", () => {
    it("Connect to Remote Kernel over SSH… offers the GPU host tfjs-node-gpu and installs it, runs the notebook on the host; a cut link shows reconnecting, the cell's output arrives whole, a reload reattaches to the same kernel, and the metrics panel shows its run from the host", async () => {
      const { page, workbench } = session;
      const notebook = await workbench.openNotebook(REMOTE_NOTEBOOK);
      await workbench.startCommand("TF.js Studio: Connect to Remote Kernel over SSH…");
      await workbench.pickQuickItem(REMOTE_HOST);
      // The first connect uploads the kernel runtime to the host, which has an NVIDIA GPU and no tfjs-node-gpu: the
      // offer, with the CUDA situation the kernel's diagnosis finds there. Installed, kernels find it (and, fake,
      // it does not load: the kernel runs on wasm).
      const gpuOffer = page.locator(".monaco-dialog-box", { hasText: `NVIDIA Fake GPU 80GB found on ${REMOTE_HOST}. Install @tensorflow/tfjs-node-gpu there?` });
      await gpuOffer.waitFor({ timeout: KERNEL_TIMEOUT_MS });
      assert.match(await gpuOffer.innerText(), /\(needs CUDA 11\.2 and cuDNN 8\.1: libcudart\.so\.11\.0, .*libcudnn\.so\.8 not found\)/);
      await gpuOffer.locator(".monaco-button", { hasText: /^Install$/ }).click();
      await page.locator(".notebook-toolbar-container:visible .kernel-action-view-item", { hasText: `TypeScript on ${REMOTE_HOST}` }).waitFor({ timeout: KERNEL_TIMEOUT_MS });
      await notebook.runCell(0);
      assert.equal(await notebook.waitForCellState(0, ["success", "error"], KERNEL_TIMEOUT_MS), "success");
      await notebook.output("on the host").waitFor();
      await page.locator(".statusbar-item", { hasText: /TF\.js idle/ }).waitFor();
      assert.match(gpuHost.npmCalls(), new RegExp(`^install --prefix ${path.join(sshDir, "host-tfjs-studio", "native")}/\\S+ .*@tensorflow/tfjs-node-gpu@`));

      const marker = path.join(sshDir, "host-notebooks", "epoch-5");
      await notebook.runCell(1);
      const deadline = Date.now() + KERNEL_TIMEOUT_MS;
      while (!fs.existsSync(marker) && Date.now() < deadline) await page.waitForTimeout(20);
      const reconnecting = page.locator(".statusbar-item", { hasText: /TF\.js reconnecting/ }).waitFor();
      sshd.killSessions();
      await reconnecting;
      assert.equal(await notebook.waitForCellState(1, ["success", "error"], KERNEL_TIMEOUT_MS), "success");
      const text = await notebook.output("epoch 19").innerText();
      assert.deepEqual(text.match(/epoch \d+/g), Array.from({ length: 20 }, (_, epoch) => `epoch ${epoch}`), "every line once, in order");

      // A reload lets go of the kernel but leaves it running on the host, and offers to reattach to it.
      await workbench.runCommand("Developer: Reload Window");
      await workbench.waitUntilReady();
      const offer = page.locator(".notifications-toasts .notification-toast", { hasText: `may still be running on ${REMOTE_HOST}` });
      await offer.locator(".monaco-button", { hasText: "Reattach" }).click({ timeout: KERNEL_TIMEOUT_MS });
      await page.locator(".notebook-toolbar-container:visible .kernel-action-view-item", { hasText: `TypeScript on ${REMOTE_HOST}` }).waitFor({ timeout: KERNEL_TIMEOUT_MS });
      const reloaded = new NotebookEditor(page);
      await reloaded.revealCell(2);
      await reloaded.runCell(2);
      assert.equal(await reloaded.waitForCellState(2, ["success", "error"], KERNEL_TIMEOUT_MS), "success");
      await reloaded.output("on the host, still").waitFor();

      // A training run on the host: the metrics panel, opened from this notebook, reads its log over SFTP and shows
      // the host's folder alone, named as the host has it.
      await reloaded.revealCell(3);
      await reloaded.runCell(3);
      assert.equal(await reloaded.waitForCellState(3, ["success", "error"], KERNEL_TIMEOUT_MS), "success");
      await workbench.runCommand("TF.js Studio: Open Metrics Panel");
      const panel = workbench.webviewPanel();
      const hostFolder = `${REMOTE_HOST}:${path.join(sshDir, "host-notebooks")}`;
      const group = panel.locator(`.tfjs-metrics-run-group[data-folder="${hostFolder}"]`);
      assert.equal(await group.locator(".tfjs-metrics-run-group-name").innerText(), hostFolder);
      await group.locator('.tfjs-metrics-run-row[data-status="completed"]').filter({ has: panel.locator("vscode-checkbox[checked]") }).waitFor();
      const ticked = await panel.locator(".tfjs-metrics-run-row").filter({ has: panel.locator("vscode-checkbox[checked]") }).count();
      assert.equal(ticked, 1, "only the host folder's run is shown");
      await workbench.openNotebook(REMOTE_NOTEBOOK);

      await workbench.runCommand("TF.js Studio: Shut Down Kernel");
      await page.locator(".statusbar-item", { hasText: /TF\.js shut down/ }).waitFor();
    });
  });
});
