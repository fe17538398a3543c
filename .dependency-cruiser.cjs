// The layer rules of docs/ARCHITECTURE.md, checked by `npm run lint` (part of `npm test`). Folders are named by the
// process that runs their code; imports flow one way. A wrong import fails with the rule's name and its comment.
const PROCESS_FOLDERS = "^(client|cli|kernel|extension|webviews)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "protocol-stands-alone",
      comment: "protocol/ holds the contracts every side reads: it imports nothing of the project's but itself.",
      severity: "error",
      from: { path: "^protocol/" },
      to: { path: "^(common|tfjs|serving|client|cli|kernel|extension|webviews|templates)/" },
    },
    {
      name: "common-serves-every-process",
      comment: "common/ holds Node helpers that several processes share: it may use protocol/, and no process's folder.",
      severity: "error",
      from: { path: "^common/" },
      to: { path: `^(tfjs|serving|templates)/|${PROCESS_FOLDERS}` },
    },
    {
      name: "tfjs-serves-every-process",
      comment: "tfjs/ (backend selection, file:// model IO, model graphs) is shared by the kernel, the extension and the model server: it must not reach into any of them.",
      severity: "error",
      from: { path: "^tfjs/" },
      to: { path: `^(serving|templates)/|${PROCESS_FOLDERS}` },
    },
    {
      name: "serving-serves-every-frontend",
      comment: "serving/ (packaging, the model server, deploys) is used by the CLI and the extension and runs in a container: it may use tfjs/, common/ and protocol/, and no frontend's or the kernel's code.",
      severity: "error",
      from: { path: "^serving/" },
      to: { path: `^templates/|${PROCESS_FOLDERS}` },
    },
    {
      name: "client-talks-protocol-only",
      comment: "client/ talks to a kernel through protocol/ only: the kernel may run elsewhere (over SSH), so its code is not the client's.",
      severity: "error",
      from: { path: "^client/" },
      to: { path: `^(tfjs|serving|templates)/|^(cli|kernel|extension|webviews)/` },
    },
    {
      name: "kernel-internals-are-private",
      comment: "Only the CLI's kernel command (cli/kernelCommand.ts) starts the kernel, through kernel/kernelMain.ts; everything else talks to a kernel through client/ and protocol/. Tests and benches may reach in.",
      severity: "error",
      from: { path: "^(protocol|common|tfjs|serving|client|cli|extension|webviews|templates)/", pathNot: "^cli/kernelCommand\\.ts$" },
      to: { path: "^kernel/" },
    },
    {
      name: "cli-starts-the-kernel-by-its-main",
      comment: "cli/kernelCommand.ts reaches the kernel through kernel/kernelMain.ts alone.",
      severity: "error",
      from: { path: "^cli/kernelCommand\\.ts$" },
      to: { path: "^kernel/", pathNot: "^kernel/kernelMain\\.ts$" },
    },
    {
      name: "kernel-uses-shared-code-only",
      comment: "The kernel process uses protocol/, common/ and tfjs/; it never imports a frontend (client, CLI, extension, webviews).",
      severity: "error",
      from: { path: "^kernel/" },
      to: { path: "^(serving|client|cli|extension|webviews)/" },
    },
    {
      name: "extension-uses-client-and-shared-code",
      comment: "The extension talks to kernels through client/ and to its webviews through the panel messages in protocol/; it imports neither the CLI nor a webview's code.",
      severity: "error",
      from: { path: "^extension/" },
      to: { path: "^(cli|webviews)/" },
    },
    {
      name: "cli-is-a-frontend",
      comment: "The CLI is a frontend like the extension: it may not import the extension's or a webview's code.",
      severity: "error",
      from: { path: "^cli/" },
      to: { path: "^(extension|webviews)/" },
    },
    {
      name: "webviews-read-protocol-only",
      comment: "Webviews run in the browser and get everything by postMessage or cell outputs: they import protocol/ and their own folder only.",
      severity: "error",
      from: { path: "^webviews/" },
      to: { path: "^(common|tfjs|serving|client|cli|kernel|extension|templates)/" },
    },
    {
      name: "no-circular",
      comment: "A cycle makes load order matter and the layers meaningless: break it by moving the shared part down a layer.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    // Type-only imports count: a type is part of a layer's contract too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
