// Which SSH host: the Hosts of ~/.ssh/config (or the configured file) to pick from, or user@host[:port] typed in.
import * as vscode from "vscode";
import { configuredHosts } from "../../client/ssh/sshDestination";

export async function pickSshHost(title: string, sshConfigFile: string | undefined): Promise<string | undefined> {
  const configured = configuredHosts(sshConfigFile).map((host): vscode.QuickPickItem => ({ label: host, description: "~/.ssh/config" }));
  const pick = vscode.window.createQuickPick();
  pick.title = title;
  pick.placeholder = "A host of ~/.ssh/config, or user@host[:port]";
  pick.items = configured;
  pick.onDidChangeValue((value) => {
    const typed = value.trim();
    const known = configured.some((item) => item.label === typed);
    pick.items = typed && !known ? [{ label: typed, description: "connect to this address" }, ...configured] : configured;
  });
  try {
    return await new Promise<string | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]?.label ?? (pick.value.trim() || undefined)));
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
  } finally {
    pick.dispose();
  }
}
