// The language_info of TypeScript cells, the same in the kernel's kernel_info_reply and in the notebook
// metadata the extension writes. Its mimetype is the one CodeMirror and tslab use for TypeScript.
export const LANGUAGE_INFO = {
  name: "typescript",
  mimetype: "text/typescript",
  file_extension: ".ts",
  codemirror_mode: { name: "javascript", typescript: true },
  pygments_lexer: "typescript",
  nbconvert_exporter: "script",
} as const;
