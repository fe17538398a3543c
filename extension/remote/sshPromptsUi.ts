// What the SSH connection asks the user, asked in VS Code: an unknown host key (with its SHA256 fingerprint, added
// to known_hosts on yes) and secrets (a key's passphrase, a password, keyboard-interactive answers), each typed when
// asked, never stored or logged.
import * as vscode from "vscode";
import type { SshPrompts } from "../../client/ssh/sshAuthentication";

const TRUST = "Trust and Connect";

export const vscodeSshPrompts: SshPrompts = {
  async confirmHostKey({ host, port, keyType, fingerprint }) {
    const name = port === 22 ? host : `[${host}]:${port}`;
    const choice = await vscode.window.showWarningMessage(
      `The authenticity of host '${name}' can't be established.`,
      { modal: true, detail: `${keyType} key fingerprint is ${fingerprint}.\n\nCompare it with the fingerprint the host's administrator gave you (ssh-keygen -lf on the host's key). Trusting it adds it to known_hosts.` },
      TRUST,
    );
    return choice === TRUST;
  },
  secret(prompt) {
    return Promise.resolve(vscode.window.showInputBox({ title: "TF.js Studio: SSH", prompt, password: true, ignoreFocusOut: true }));
  },
};
