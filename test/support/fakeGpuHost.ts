// A GPU server as far as tfjs-studio can tell over SSH, for tests with the real sshd: a folder to put first on the
// PATH of sshd's sessions (sshd_config SetEnv) with a fake nvidia-smi that sees an "NVIDIA Fake GPU 80GB", and a
// fake npm that logs its arguments and, as told, fails as an offline host's tfjs-node-gpu install does or "installs"
// a package folder of @tensorflow/tfjs-node-gpu whose native part cannot load.
import * as fs from "node:fs";
import * as path from "node:path";

const FAKE_NVIDIA_SMI = `#!/bin/sh
case "$*" in
  *driver_version*) echo "NVIDIA Fake GPU 80GB, 535.54.03" ;;
  *) echo "NVIDIA Fake GPU 80GB" ;;
esac
`;

/** Logs its arguments; the npm-mode file beside it says how it ends. */
const FAKE_NPM = `#!/bin/sh
here=$(dirname "$0")
echo "$*" >> "$here/npm-calls.log"
if [ "$(cat "$here/npm-mode")" = succeed ]; then
  while [ $# -gt 0 ]; do case "$1" in --prefix) prefix=$2; shift ;; --*) ;; *) spec=$1 ;; esac; shift; done
  dir="$prefix/node_modules/@tensorflow/tfjs-node-gpu"
  mkdir -p "$dir"
  printf '{"name":"@tensorflow/tfjs-node-gpu","version":"%s","main":"index.js"}\\n' "\${spec##*@}" > "$dir/package.json"
  echo 'throw new Error("fake tfjs-node-gpu: libtensorflow.so.2: cannot open shared object file");' > "$dir/index.js"
  echo "added 1 package in 1s"
  exit 0
fi
echo "> @tensorflow/tfjs-node-gpu install"
echo "* Downloading libtensorflow"
echo "npm ERR! Error: getaddrinfo ENOTFOUND storage.googleapis.com" >&2
echo "npm ERR! A complete log of this run can be found in: /tmp/fake-npm-debug.log" >&2
exit 1
`;

export interface FakeGpuHost {
  /** The folder of the fake commands. */
  bin: string;
  /** A PATH for the sessions: the fakes, then this Node and the system's commands. */
  path: string;
  /** How the next npm install ends; also forgets the calls so far. */
  npmMode(mode: "fail" | "succeed"): void;
  /** The fake npm's argument lines, one per call. */
  npmCalls(): string;
}

export function fakeGpuHost(bin: string): FakeGpuHost {
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, "nvidia-smi"), FAKE_NVIDIA_SMI, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "npm"), FAKE_NPM, { mode: 0o755 });
  const calls = path.join(bin, "npm-calls.log");
  const npmMode = (mode: "fail" | "succeed") => {
    fs.writeFileSync(path.join(bin, "npm-mode"), mode);
    fs.rmSync(calls, { force: true });
  };
  npmMode("fail");
  return {
    bin,
    path: [bin, path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
    npmMode,
    npmCalls: () => (fs.existsSync(calls) ? fs.readFileSync(calls, "utf8") : ""),
  };
}
