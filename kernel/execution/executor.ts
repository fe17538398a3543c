// Handles execute_request: publishes execute_input, compiles and runs the cell, publishes its
// result or error, evaluates user_expressions, records history, and builds the execute_reply.
import { runInThisContext } from "node:vm";
import type { HistoryStore } from "../history/historyStore";
import type { JupyterMessage } from "../../protocol/messages";
import { NOT_A_RESULT, toDisplayBundle } from "../inKernelModules/mimeBundle";
import type { CellCompiler } from "../typescript/cellCompiler";
import type { CellRunner } from "./cellRunner";
import type { ErrorContent, ExecuteReplyContent, ExecuteRequestContent } from "../../protocol/messageContents";
import { CellSources, runtimeErrorReport, typeErrorReport } from "./errorReport";

export interface ExecutorIO {
  publish(msgType: string, content: object): void;
  /** Sends buffered stdout/stderr before anything that must come after it. */
  flushOutput(): void;
  /** Waited for before a compiled cell runs, when it returns a promise (what the cell may use is still loading). */
  beforeRun?(code: string): Promise<unknown> | undefined;
}

export class Executor {
  private executionCount = 0;
  private cellId = 0;
  private readonly notices: string[] = [];
  readonly sources = new CellSources();

  constructor(
    private readonly compiler: () => CellCompiler,
    private readonly runner: CellRunner,
    private readonly history: HistoryStore,
    private readonly io: ExecutorIO,
    private readonly isKernelFile: (file: string) => boolean,
  ) {}

  /** The error content for something user code threw, outside a cell's own run too (timers, comm handlers). */
  errorReport(thrown: unknown): ErrorContent {
    return runtimeErrorReport(thrown, this.sources, this.isKernelFile);
  }

  /** Shown on stderr of the next cell that runs: news the user should see, such as a backend that failed to load. */
  addNotice(text: string): void {
    this.notices.push(text);
  }

  async execute(request: JupyterMessage<ExecuteRequestContent>): Promise<ExecuteReplyContent> {
    const problem = requestProblem(request.content);
    if (problem) return this.refuse(problem, request.content.silent === true);
    const { code, silent = false } = request.content;
    // The protocol's default; jupyter_client sends null for "none".
    const userExpressions = request.content.user_expressions ?? {};
    // silent implies no history, as the protocol says.
    const storeHistory = !silent && request.content.store_history !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.io.publish("execute_input", { code, execution_count: count });
    if (!silent) for (const text of this.notices.splice(0)) this.io.publish("stream", { name: "stderr", text });

    const label = storeHistory ? `Cell In[${count}]` : "Cell";
    let error: ErrorContent | undefined;
    let resultText: string | undefined;
    try {
      const compiled = this.compiler().compile(code);
      if (!compiled.ok) {
        error = typeErrorReport(compiled.diagnostics, label);
      } else {
        const filename = `tfjs-studio-cell-${++this.cellId}`;
        this.sources.add(filename, label, code, compiled.cell.sourceMap, compiled.cell.js.split("\n").length);
        try {
          await this.io.beforeRun?.(code);
          const outcome = await this.runner.run(compiled.cell, filename);
          if (outcome.result && outcome.result.value !== undefined && !isNotAResult(outcome.result.value)) {
            const bundle = toDisplayBundle(outcome.result.value);
            resultText = typeof bundle.data["text/plain"] === "string" ? bundle.data["text/plain"] : "";
            this.io.flushOutput();
            if (!silent) this.io.publish("execute_result", { execution_count: count, data: bundle.data, metadata: bundle.metadata });
          }
        } finally {
          // Names declared before an error or interrupt exist now, so later cells may use them.
          compiled.cell.commit();
        }
      }
    } catch (thrown) {
      error = this.errorReport(thrown);
    }
    this.io.flushOutput();
    if (error && !silent) this.io.publish("error", error);
    if (storeHistory) this.history.add(count, code, resultText);

    const evaluated = error ? {} : this.evaluateUserExpressions(userExpressions);
    const common = { execution_count: count, user_expressions: evaluated, payload: [] as [] };
    return error ? { status: "error", ...common, ...error } : { status: "ok", ...common };
  }

  /** A malformed execute_request: answered with an error that says what is wrong, and nothing runs. */
  private refuse(problem: string, silent: boolean): ExecuteReplyContent {
    const error = { ename: "InvalidRequest", evalue: problem, traceback: [`InvalidRequest: ${problem}`] };
    if (!silent) this.io.publish("error", error);
    return { status: "error", execution_count: this.executionCount, user_expressions: {}, payload: [], ...error };
  }

  private evaluateUserExpressions(expressions: Record<string, unknown>): Record<string, unknown> {
    // fromEntries: an expression named __proto__ is a result like any other, not a prototype.
    return Object.fromEntries(Object.entries(expressions).map(([name, expression]) => [name, this.evaluateUserExpression(name, expression)]));
  }

  private evaluateUserExpression(name: string, expression: unknown): object {
    if (typeof expression !== "string") {
      const evalue = `user expression ${name} must be a string of code, got ${typeof expression}`;
      return { status: "error", ename: "TypeError", evalue, traceback: [`TypeError: ${evalue}`] };
    }
    try {
      const value: unknown = runInThisContext(this.compiler().transpileExpression(expression), { filename: `user_expression:${name}` });
      return { status: "ok", ...toDisplayBundle(value) };
    } catch (thrown) {
      return { status: "error", ...this.errorReport(thrown) };
    }
  }
}

/** What is wrong with an execute_request's content, as the client sent it (it is not checked on the way in). */
function requestProblem(content: ExecuteRequestContent): string | undefined {
  const { code, user_expressions: expressions } = content as { code: unknown; user_expressions: unknown };
  if (typeof code !== "string") return `execute_request needs code as a string, got ${code === null ? "null" : typeof code}`;
  if (expressions !== undefined && expressions !== null && (typeof expressions !== "object" || Array.isArray(expressions))) {
    return `user_expressions must be an object of name → expression, got ${Array.isArray(expressions) ? "an array" : typeof expressions}`;
  }
  return undefined;
}

/** Display handles say they are not a result; asked without trusting the value (a Proxy's traps may throw). */
function isNotAResult(value: unknown): boolean {
  try {
    return value !== null && typeof value === "object" && (value as { [NOT_A_RESULT]?: boolean })[NOT_A_RESULT] === true;
  } catch {
    return false;
  }
}
