// VS Code entry point: wires the notebook kernel, the editor features, the panels and the commands together.
import * as vscode from "vscode";
import { registerNewProjectCommand } from "./commands/newProjectCommand";
import { KernelSessions } from "./kernel/kernelSessions";
import { CellDiagnostics } from "./language/cellDiagnostics";
import { registerLanguageFeatures } from "./language/registerLanguageFeatures";
import { CONTROLLER_ID, KernelControllers, registerLocalController } from "./notebook/notebookController";
import { registerMetricsPanel } from "./panels/metricsPanel";
import { MODEL_GRAPH_VIEW_TYPE, registerModelGraphPanel } from "./panels/modelGraphPanel";
import { RendererMessaging } from "./rendererMessaging";
import { registerRemoteCommands } from "./remote/remoteCommands";
import { RemoteKernels } from "./remote/remoteKernels";
import { RemoteRunFolders } from "./remote/remoteRunFolders";
import { CloudEndpoints } from "./serving/cloudEndpoints";
import { deployedRegions, registerDeployCommand } from "./serving/deployCommand";
import { deployedHosts, registerSshDeployCommand } from "./serving/sshDeployCommand";
import { registerEndpointCommands } from "./serving/endpointCommands";
import { registerEndpointsView } from "./serving/endpointsView";
import { LocalEndpoint } from "./serving/localEndpoint";
import { registerPackageModelCommand } from "./serving/packageModelCommand";
import { registerKernelStatusBar } from "./statusBar/kernelStatusBar";
import { registerWalkthroughCommands } from "./walkthrough/walkthroughCommands";
import { watchWalkthroughProgress } from "./walkthrough/walkthroughProgress";

let kernelSessions: KernelSessions | undefined;
let localEndpoint: LocalEndpoint | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel("TF.js Studio", { log: true });
  const messaging = new RendererMessaging(log);
  const diagnostics = new CellDiagnostics();
  const sessions = new KernelSessions(log);
  kernelSessions = sessions;
  const controllers = new KernelControllers(sessions, diagnostics, log);
  const endpointLog = vscode.window.createOutputChannel("TF.js Studio Endpoint");
  const endpoint = new LocalEndpoint(endpointLog);
  localEndpoint = endpoint;
  const remoteRunFolders = new RemoteRunFolders();
  context.subscriptions.push(
    log,
    messaging,
    diagnostics,
    // `sessions` is disposed by deactivate, which waits for the kernels to stop.
    controllers,
    registerLocalController(controllers, sessions),
    registerKernelStatusBar(sessions),
    registerLanguageFeatures(sessions),
    remoteRunFolders,
    registerMetricsPanel(context, messaging, remoteRunFolders, log),
    registerModelGraphPanel(context, messaging, sessions, log),
    registerNewProjectCommand(log),
    registerWalkthroughCommands(CONTROLLER_ID, context.extension.id),
    watchWalkthroughProgress(MODEL_GRAPH_VIEW_TYPE),
    registerPackageModelCommand(log),
    endpointLog,
    // `endpoint` is stopped by deactivate, which waits for its requests in flight.
    registerEndpointCommands(endpoint, endpointLog),
  );
  const remote = new RemoteKernels(controllers, sessions, remoteRunFolders, context.workspaceState, context.globalState, context.extension.id, log);
  context.subscriptions.push(remote, registerRemoteCommands(remote));
  const cloud = new CloudEndpoints(() => deployedRegions(context.workspaceState), () => deployedHosts(context.workspaceState), log);
  context.subscriptions.push(cloud, registerDeployCommand(context, cloud, log), registerSshDeployCommand(context, cloud, log), registerEndpointsView(endpoint, cloud, log));
}

/** Waits for the kernels and the local endpoint to stop, so that none outlives the extension host. */
export async function deactivate(): Promise<void> {
  await Promise.all([kernelSessions?.dispose(), localEndpoint?.stop()]);
}
