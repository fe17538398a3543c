// How deploy, endpoints and delete-endpoint print: a progress line a step (a percent only every 10%, so a
// log stays readable), and a failure with its reason (SageMaker's), the server's last log lines and a hint.
import type { DeployError, DeployProgress } from "../serving/deploy/deployProvider";
import { formatProgressLine } from "../serving/deploy/progressLine";

export function lineProgress(stream: NodeJS.WritableStream): DeployProgress {
  let lastStep = "";
  let lastPercent = -1;
  return {
    report(step, detail) {
      const percent = detail?.endsWith("%") ? Number(detail.slice(0, -1)) : undefined;
      if (percent !== undefined) {
        if (step === lastStep && Math.floor(percent / 10) === Math.floor(lastPercent / 10) && percent !== 100) return;
        lastPercent = percent;
      }
      lastStep = step;
      stream.write(`${formatProgressLine(step, detail)}\n`);
    },
  };
}

export function printDeployError(command: string, error: DeployError): void {
  const lines = [`tfjs-studio ${command}: ${error.message}`];
  const { logLines, hint } = error.details;
  if (logLines && logLines.length > 0) lines.push("The server's last log lines:", ...logLines.map((line) => `  ${line}`));
  if (hint) lines.push(`Hint: ${hint}`);
  process.stderr.write(`${lines.join("\n")}\n`);
}
