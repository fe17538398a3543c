// VS Code entry point. The notebook controller, panels and commands arrive with the extension issue.
import type * as vscode from "vscode";

export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
