// Who the kernel is to Jupyter: its kernelspec name and display name, and the language_info of its TypeScript
// cells, the same in the kernel's kernel_info_reply, the kernelspec install-kernel writes, the notebook metadata
// the extension writes, and the check `tfjs-studio run` makes. The mimetype is the one CodeMirror and tslab use.

export const KERNEL_NAME = "tfjs-studio";
export const KERNEL_DISPLAY_NAME = "TypeScript (TF.js Studio)";

export const LANGUAGE_INFO = {
  name: "typescript",
  mimetype: "text/typescript",
  file_extension: ".ts",
  codemirror_mode: { name: "javascript", typescript: true },
  pygments_lexer: "typescript",
  nbconvert_exporter: "script",
} as const;
