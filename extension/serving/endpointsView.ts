// The "TF.js Studio Endpoints" view: the local endpoint, the SageMaker endpoints tfjs-studio deployed and the
// endpoints on the SSH hosts this workspace deployed to, with status, capacity and age; Invoke and Delete Endpoint
// on a SageMaker one, Delete on an SSH host's; and a status bar count of the live SageMaker endpoints, which bill
// by the hour, so none is forgotten.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { CloudEndpoint } from "../../serving/deploy/deployProvider";
import { formatElapsed } from "../../serving/deploy/sagemaker/sageMakerDeploy";
import { exampleRequest } from "../../serving/invoke/exampleRequest";
import { formatPredictions } from "../../serving/invoke/predictionReport";
import { readPackagedManifest } from "../../serving/package/packagedManifest";
import { remoteSettings, sshCliOptions } from "../remote/remoteSettings";
import type { CloudEndpoints } from "./cloudEndpoints";
import type { LocalEndpoint } from "./localEndpoint";
import { vscodeSshPrompts } from "../remote/sshPromptsUi";
import { reportedCommand, runStudioCli, workspaceCwd } from "./studioCli";

const VIEW_ID = "tfjsStudio.endpoints";
const DELETE_COMMAND = "tfjsStudio.deleteEndpoint";
const INVOKE_CLOUD_COMMAND = "tfjsStudio.invokeCloudEndpoint";

type Item = { kind: "local" } | { kind: "cloud"; endpoint: CloudEndpoint } | { kind: "message"; text: string };

class EndpointsTree implements vscode.TreeDataProvider<Item> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly local: LocalEndpoint,
    private readonly cloud: CloudEndpoints,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  getChildren(): Item[] {
    const items: Item[] = [];
    if (this.local.state.kind !== "stopped") items.push({ kind: "local" });
    const listing = this.cloud.current;
    if (listing.kind === "none") return [...items, { kind: "message", text: listing.why }];
    items.push(...listing.endpoints.map((endpoint): Item => ({ kind: "cloud", endpoint })));
    items.push(...listing.failures.map((text): Item => ({ kind: "message", text: `Cannot list ${text}` })));
    if (items.length === 0) items.push({ kind: "message", text: "No endpoints: Deploy to SageMaker…, Deploy to SSH Host… or Start Local Endpoint." });
    return items;
  }

  getTreeItem(item: Item): vscode.TreeItem {
    if (item.kind === "message") {
      const tree = new vscode.TreeItem(item.text);
      tree.contextValue = "message";
      return tree;
    }
    if (item.kind === "local") {
      const state = this.local.state;
      const tree = new vscode.TreeItem(state.kind === "stopped" ? "local" : state.manifest.name);
      tree.description = state.kind === "running" ? `local · ${state.url}` : "local · starting";
      tree.iconPath = new vscode.ThemeIcon("radio-tower");
      tree.contextValue = "localEndpoint";
      tree.command = { command: "tfjsStudio.endpointActions", title: "Endpoint actions" };
      return tree;
    }
    const { endpoint } = item;
    const tree = new vscode.TreeItem(endpoint.name);
    if (endpoint.provider === "ssh") {
      const up = endpoint.createdAt && endpoint.status === "running" ? `up ${formatElapsed(Date.now() - endpoint.createdAt.getTime())}` : "";
      tree.description = [endpoint.status, endpoint.capacity, `${endpoint.location} ${endpoint.address ?? ""}`.trim(), up].filter(Boolean).join(" · ");
      tree.tooltip = `Endpoint ${endpoint.name} on ${endpoint.location}: ${endpoint.status}${endpoint.address ? `, listening on ${endpoint.address} there` : ""}${up ? `, ${up}` : ""}`;
      tree.iconPath = new vscode.ThemeIcon(endpoint.status === "running" ? "server" : "debug-stop");
      tree.contextValue = "sshHostEndpoint";
      return tree;
    }
    const age = endpoint.createdAt ? `up ${formatElapsed(Date.now() - endpoint.createdAt.getTime())}` : "";
    tree.description = [endpoint.status, endpoint.capacity, endpoint.location, age].filter(Boolean).join(" · ");
    tree.tooltip = `SageMaker endpoint ${endpoint.name} in ${endpoint.location}: ${endpoint.status}${endpoint.capacity ? `, ${endpoint.capacity}` : ""}${age ? `, ${age}` : ""}\nIt bills while it runs: delete it when you are done.`;
    tree.iconPath = new vscode.ThemeIcon(endpoint.status === "InService" ? "cloud" : endpoint.status === "Failed" ? "error" : "loading~spin");
    tree.contextValue = "sagemakerEndpoint";
    return tree;
  }
}

/**
 * The request, as invoke's arguments: an example that fits a model package of this workspace (the cloud endpoint
 * keeps no signature we can read), or a JSON file.
 */
async function askCloudRequest(endpoint: CloudEndpoint): Promise<string[] | undefined> {
  const packages = await vscode.workspace.findFiles("**/*.tar.gz", "**/node_modules/**", 50);
  const picked = await vscode.window.showQuickPick(
    [
      ...packages.map((uri) => ({ label: `An example for ${vscode.workspace.asRelativePath(uri)}`, detail: "zeros in its input's shape (raw text for a text model)", uri })),
      { label: "A JSON file…", detail: '{"instances": [...]}, {"inputs": ...} or a list of instances', uri: undefined },
    ],
    { title: `Invoke ${endpoint.name}` },
  );
  if (!picked) return undefined;
  if (picked.uri) {
    const manifest = await readPackagedManifest(picked.uri.fsPath);
    const example = exampleRequest(manifest);
    if (example.contentType === "text/plain") return ["--text", example.body];
    const file = path.join(os.tmpdir(), `tfjs-studio-invoke-${process.pid}.json`);
    fs.writeFileSync(file, example.body);
    return ["--data", file];
  }
  const [file] = (await vscode.window.showOpenDialog({ title: `JSON request for ${endpoint.name}`, filters: { JSON: ["json"] }, canSelectMany: false })) ?? [];
  return file ? ["--data", file.fsPath] : undefined;
}

export function registerEndpointsView(local: LocalEndpoint, cloud: CloudEndpoints, log: vscode.LogOutputChannel): vscode.Disposable {
  const tree = new EndpointsTree(local, cloud);
  const statusBar = vscode.window.createStatusBarItem("tfjsStudio.cloudEndpoints", vscode.StatusBarAlignment.Left, 89);
  statusBar.name = "TF.js Studio Cloud Endpoints";
  statusBar.command = `${VIEW_ID}.focus`;
  const showCount = () => {
    const listing = cloud.current;
    const live = listing.kind === "listed" ? listing.endpoints.filter((endpoint) => endpoint.provider === "sagemaker" && endpoint.status !== "Failed") : [];
    if (live.length === 0) return statusBar.hide();
    statusBar.text = `$(cloud) ${live.length} SageMaker endpoint${live.length === 1 ? "" : "s"}`;
    statusBar.tooltip = `Live and billing: ${live.map((endpoint) => `${endpoint.name} (${endpoint.location})`).join(", ")}\nClick to see them.`;
    statusBar.show();
  };
  /** The endpoint a view item is, or one picked from the listing (of SageMaker only, or of any provider). */
  const pickCloud = async (item: unknown, sageMakerOnly: boolean): Promise<CloudEndpoint | undefined> => {
    if (typeof item === "object" && item !== null && (item as Item).kind === "cloud") return (item as Extract<Item, { kind: "cloud" }>).endpoint;
    const listing = cloud.current;
    const endpoints = (listing.kind === "listed" ? listing.endpoints : []).filter((endpoint) => !sageMakerOnly || endpoint.provider === "sagemaker");
    if (endpoints.length === 0) return void vscode.window.showInformationMessage(`No ${sageMakerOnly ? "SageMaker " : ""}endpoints deployed from this workspace.`);
    return (await vscode.window.showQuickPick(endpoints.map((endpoint) => ({ label: endpoint.name, description: `${endpoint.status} · ${endpoint.location}`, endpoint })), { title: "Which endpoint?" }))?.endpoint;
  };
  const reported = (id: string, run: (item?: unknown) => Promise<void>) => reportedCommand(id, log, run);

  void cloud.refresh();
  return vscode.Disposable.from(
    statusBar,
    vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: false }),
    local.onDidChange(() => tree.refresh()),
    cloud.onDidChange(() => {
      tree.refresh();
      showCount();
    }),
    vscode.commands.registerCommand("tfjsStudio.refreshEndpoints", reported("tfjsStudio.refreshEndpoints", async () => {
      await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => cloud.refresh());
    })),
    vscode.commands.registerCommand(DELETE_COMMAND, reported(DELETE_COMMAND, async (item) => {
      const endpoint = await pickCloud(item, false);
      if (!endpoint) return;
      const onHost = endpoint.provider === "ssh";
      const remove = "Delete";
      const answer = await vscode.window.showWarningMessage(
        onHost ? `Stop endpoint ${endpoint.name} on ${endpoint.location} and remove its folder there?` : `Delete SageMaker endpoint ${endpoint.name} in ${endpoint.location}, with its endpoint configuration and its model?`,
        { modal: true, detail: onHost ? "Its server is stopped and its model package removed from the host." : "The endpoint stops serving and billing. The model package stays in S3." },
        remove,
      );
      if (answer !== remove) return;
      const target = onHost ? ["--ssh", endpoint.location, ...sshCliOptions(remoteSettings())] : ["--region", endpoint.location];
      const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting ${endpoint.name}…` }, () =>
        runStudioCli(["delete-endpoint", endpoint.name, ...target, "--yes"], workspaceCwd(), undefined, vscodeSshPrompts),
      );
      log.info(`tfjs-studio delete-endpoint ${endpoint.name}:\n${run.stdout}${run.stderr}`);
      await cloud.refresh();
      if (run.code !== 0) throw new Error(run.stderr.split("\n").find((line) => line.startsWith("tfjs-studio"))?.replace(/^tfjs-studio delete-endpoint: /, "") ?? `delete-endpoint exited with ${run.code}`);
      void vscode.window.showInformationMessage(run.stdout.trim());
    })),
    vscode.commands.registerCommand(INVOKE_CLOUD_COMMAND, reported(INVOKE_CLOUD_COMMAND, async (item) => {
      const endpoint = await pickCloud(item, true);
      if (!endpoint) return;
      const request = await askCloudRequest(endpoint);
      if (!request) return;
      const run = await runStudioCli(["invoke", endpoint.name, "--region", endpoint.location, ...request, "--json"], workspaceCwd());
      log.info(`tfjs-studio invoke ${endpoint.name}:\n${run.stdout}${run.stderr}`);
      if (run.code !== 0) throw new Error(run.stderr.replace(/^tfjs-studio invoke: /, "").trim());
      const latency = /: 200 in ([\d.]+) ms/.exec(run.stderr)?.[1];
      const report = formatPredictions(JSON.parse(run.stdout));
      void vscode.window.showInformationMessage(`${endpoint.name}${latency ? ` (${Number(latency).toFixed(0)} ms)` : ""}: ${report.split("\n").slice(0, 3).join("  ")}`);
    })),
  );
}
