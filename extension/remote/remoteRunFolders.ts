// The folders remote kernels run in, by notebook, while the notebook holds its kernel: the metrics panel lists
// their runs over SFTP, and opened from such a notebook, shows that folder's runs.
import * as vscode from "vscode";
import type { RemoteRunFolder, RemoteRunFolderSource } from "../metrics/remoteRunDiscovery";

export class RemoteRunFolders implements RemoteRunFolderSource, vscode.Disposable {
  private readonly folders = new Map<string, RemoteRunFolder>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  add(notebook: vscode.Uri, folder: RemoteRunFolder): void {
    this.folders.set(notebook.toString(), folder);
    this.changed.fire();
  }

  remove(notebook: vscode.Uri, folder: RemoteRunFolder): void {
    // A later kernel of the notebook may have taken the entry already.
    if (this.folders.get(notebook.toString()) !== folder) return;
    this.folders.delete(notebook.toString());
    this.changed.fire();
  }

  /** One entry per host and folder, however many notebooks run there. */
  list(): RemoteRunFolder[] {
    const unique = new Map<string, RemoteRunFolder>();
    for (const folder of this.folders.values()) unique.set(`${folder.host}:${folder.folder}`, folder);
    return [...unique.values()];
  }

  forNotebook(notebook: vscode.Uri): RemoteRunFolder | undefined {
    return this.folders.get(notebook.toString());
  }

  dispose(): void {
    this.changed.dispose();
  }
}
