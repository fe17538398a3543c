// Lets a benchmark module run alone (`node bench/NAME.bench.mjs`) as well as through bench/run.mjs: when it is the
// program, it runs and prints its table, notes and summary.
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export function runWhenMain(moduleUrl, run) {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  run().then(
    (result) => {
      console.log(result.title);
      for (const row of [result.columns, ...result.rows]) console.log(row.join(" | "));
      for (const note of result.notes ?? []) console.log(note);
      if (result.summary) console.log(JSON.stringify(result.summary));
      process.exit(0);
    },
    (error) => {
      console.error(error?.stack ?? error);
      process.exit(1);
    },
  );
}
