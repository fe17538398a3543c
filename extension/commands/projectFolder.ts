// Where "New Project from Template" writes: the chosen folder itself when it is empty (the user made it for
// the project), else a new subfolder named after the template, so that nothing already there is touched.
import * as fs from "node:fs";
import * as path from "node:path";

export function projectFolder(chosen: string, templateName: string): string {
  if (isEmptyOrMissing(chosen)) return chosen;
  for (let n = 1; ; n++) {
    const candidate = path.join(chosen, n === 1 ? templateName : `${templateName}-${n}`);
    if (isEmptyOrMissing(candidate)) return candidate;
  }
}

function isEmptyOrMissing(dir: string): boolean {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  return stat === undefined || (stat.isDirectory() && fs.readdirSync(dir).length === 0);
}
