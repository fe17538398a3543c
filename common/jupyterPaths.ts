// Where Jupyter keeps per-user data (kernelspecs, our history), as jupyter_core resolves it.
import * as os from "node:os";
import * as path from "node:path";

/** Jupyter's per-user data directory, resolved as jupyter_core's jupyter_data_dir() does. */
export function jupyterDataDir(env = process.env, platform = process.platform, home = os.homedir()): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (platform === "win32") return env.APPDATA ? path.join(env.APPDATA, "jupyter") : path.join(home, ".jupyter", "data");
  return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}
