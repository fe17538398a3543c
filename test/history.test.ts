import assert from "node:assert/strict";
import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { HistoryStore, historyPath } from "../kernel/history/historyStore";
import { jupyterDataDir } from "../common/jupyterPaths";

// The concurrency test loads this file again in worker threads, each standing in for one kernel process.
if (isMainThread) describeHistory();
else openStoreInWorker();

/** Worker side: waits at the gate so all workers open the same file at the same moment, then reports its session. */
function openStoreInWorker(): void {
  const { file, gate } = workerData as { file: string; gate: Int32Array };
  parentPort!.postMessage("ready");
  Atomics.wait(gate, 0, 0);
  const store = new HistoryStore(file);
  store.add(1, `session ${store.session}`);
  parentPort!.postMessage(store.session);
}

function readJsonLines(file: string): unknown[] {
  return fs.readFileSync(file, "utf8").trimEnd().split("\n").map((line) => JSON.parse(line));
}

function describeHistory(): void {
  describe("HistoryStore", () => {
    let dir: string;
    let file: string;

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-history-"));
      file = path.join(dir, "nested", "folder", "tfjs-studio-history.jsonl");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Stores of sessions 1 and 2, then the current session 3, as three kernel processes in turn would make them. */
    function threeSessions(): HistoryStore {
      const first = new HistoryStore(file);
      first.add(1, "a = 1", "1");
      first.add(2, "b = 2");
      first.add(3, "a = 1", "1");
      const second = new HistoryStore(file);
      second.add(1, "print(a)", "1");
      second.add(2, "b = 2");
      const current = new HistoryStore(file);
      current.add(1, "c = 3");
      current.add(2, "c", "3");
      return current;
    }

    it("keeps history in memory, saying why, when the history folder cannot be created (under /proc Node's own mkdir never returns)", () => {
      const warnings: string[] = [];
      const store = new HistoryStore("/proc/nope/history.jsonl", (message) => warnings.push(message));
      store.add(1, "x = 1");
      assert.deepEqual(store.query({ hist_access_type: "tail" }), [[store.session, 1, "x = 1"]]);
      assert.match(warnings.join("\n"), /cannot create the history folder.*\/proc\/nope/);
    });

    describe("sessions", () => {
      it("numbers each store on the same file as a new session, even one that stored nothing", () => {
        const first = new HistoryStore(file);
        assert.equal(first.session, 1);
        first.add(1, "x = 1");
        const idle = new HistoryStore(file);
        assert.equal(idle.session, 2);
        const third = new HistoryStore(file);
        assert.equal(third.session, 3);
        assert.deepEqual(third.query({ hist_access_type: "tail" }), [[1, 1, "x = 1"]]);
      });

      it("creates the folder and writes start and cell lines as JSON Lines", () => {
        const store = new HistoryStore(file);
        store.add(1, "const s = 'é\\n'\nconsole.log(s)", "undefined");
        store.add(2, "f()");
        const [start, withOutput, withoutOutput] = readJsonLines(file) as { [key: string]: unknown }[];
        assert.equal(start.session, 1);
        assert.equal(typeof start.start, "string");
        assert.deepEqual(
          { ...withOutput, time: undefined },
          { session: 1, line: 1, source: "const s = 'é\\n'\nconsole.log(s)", output: "undefined", time: undefined },
        );
        assert.ok(!Number.isNaN(Date.parse(withOutput.time as string)));
        assert.equal("output" in withoutOutput, false);
      });

      it("gives distinct sessions to stores opened on one file at the same moment", async () => {
        const count = 8;
        const gate = new Int32Array(new SharedArrayBuffer(4));
        const workers = Array.from({ length: count }, () => new Worker(__filename, { workerData: { file, gate } }));
        const exited = workers.map((worker) => once(worker, "exit"));
        const sessions = workers.map(
          (worker) =>
            new Promise<number>((resolve, reject) => {
              worker.on("message", (message) => typeof message === "number" && resolve(message));
              worker.once("error", reject);
            }),
        );
        await Promise.all(workers.map((worker) => once(worker, "message")));
        Atomics.store(gate, 0, 1);
        Atomics.notify(gate, 0);
        const expected = Array.from({ length: count }, (_, i) => i + 1);
        assert.deepEqual((await Promise.all(sessions)).sort((a, b) => a - b), expected);
        await Promise.all(exited);

        const later = new HistoryStore(file);
        assert.equal(later.session, count + 1);
        assert.deepEqual(
          later.query({ hist_access_type: "tail", n: 100 }),
          expected.map((session) => [session, 1, `session ${session}`]),
        );
      });
    });

    it("orders the cells of kernels that ran at the same time by session, then line", () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const lines = [
        { session: 1, start: "2024-01-01T00:00:00.000Z" },
        { session: 2, start: "2024-01-01T00:00:01.000Z" },
        { session: 2, line: 1, source: "b1" },
        { session: 1, line: 1, source: "a1" },
        { session: 2, line: 2, source: "b2" },
        { session: 1, line: 2, source: "a2" },
      ];
      fs.writeFileSync(file, lines.map((line) => JSON.stringify(line) + "\n").join(""));
      assert.deepEqual(new HistoryStore(file).query({ hist_access_type: "tail" }), [
        [1, 1, "a1"],
        [1, 2, "a2"],
        [2, 1, "b1"],
        [2, 2, "b2"],
      ]);
    });

    describe("tail", () => {
      it("returns the last n entries across sessions, oldest first, 10 by default", () => {
        const current = threeSessions();
        assert.deepEqual(current.query({ hist_access_type: "tail", n: 3 }), [
          [2, 2, "b = 2"],
          [3, 1, "c = 3"],
          [3, 2, "c"],
        ]);
        const busy = new HistoryStore(file);
        for (let line = 1; line <= 12; line++) busy.add(line, `x${line}`);
        const tail = busy.query({ hist_access_type: "tail" });
        assert.equal(tail.length, 10);
        assert.deepEqual(tail[0], [4, 3, "x3"]);
        assert.deepEqual(tail[9], [4, 12, "x12"]);
      });

      it("pairs inputs with outputs when output is true, whatever raw says", () => {
        const current = threeSessions();
        assert.deepEqual(current.query({ hist_access_type: "tail", n: 3, output: true, raw: false }), [
          [2, 2, ["b = 2", null]],
          [3, 1, ["c = 3", null]],
          [3, 2, ["c", "3"]],
        ]);
      });

      it("keeps each source once, at its latest occurrence, when unique", () => {
        const current = threeSessions();
        assert.deepEqual(current.query({ hist_access_type: "tail", unique: true }), [
          [1, 3, "a = 1"],
          [2, 1, "print(a)"],
          [2, 2, "b = 2"],
          [3, 1, "c = 3"],
          [3, 2, "c"],
        ]);
        assert.equal(current.query({ hist_access_type: "tail", n: 0 }).length, 0);
      });
    });

    describe("range", () => {
      it("reads the current session with session 0, including cells added just now", () => {
        const current = threeSessions();
        assert.deepEqual(current.query({ hist_access_type: "range", session: 0 }), [
          [3, 1, "c = 3"],
          [3, 2, "c"],
        ]);
        current.add(3, "c * 2", "6");
        assert.deepEqual(current.query({ hist_access_type: "range", session: 0, start: 3, output: true }), [
          [3, 3, ["c * 2", "6"]],
        ]);
        assert.equal(current.query({ hist_access_type: "range" }).length, 3);
      });

      it("counts negative sessions back from the current one and takes positive ones as absolute", () => {
        const current = threeSessions();
        assert.deepEqual(current.query({ hist_access_type: "range", session: -1 }), [
          [2, 1, "print(a)"],
          [2, 2, "b = 2"],
        ]);
        const first = [
          [1, 1, "a = 1"],
          [1, 2, "b = 2"],
          [1, 3, "a = 1"],
        ];
        assert.deepEqual(current.query({ hist_access_type: "range", session: -2 }), first);
        assert.deepEqual(current.query({ hist_access_type: "range", session: 1 }), first);
        assert.deepEqual(current.query({ hist_access_type: "range", session: -3 }), []);
        assert.deepEqual(current.query({ hist_access_type: "range", session: 7 }), []);
      });

      it("takes lines from start up to, not including, stop", () => {
        const current = threeSessions();
        const lines = (start?: number, stop?: number | null) =>
          current.query({ hist_access_type: "range", session: 1, start, stop: stop as number | undefined }).map((entry) => entry[1]);
        assert.deepEqual(lines(2, 3), [2]);
        assert.deepEqual(lines(0, 3), [1, 2]);
        assert.deepEqual(lines(1, 3), [1, 2]);
        assert.deepEqual(lines(2), [2, 3]);
        assert.deepEqual(lines(2, null), [2, 3]);
        assert.deepEqual(lines(3, 3), []);
      });
    });

    describe("search", () => {
      let store: HistoryStore;
      beforeEach(() => {
        store = new HistoryStore(file);
        ["x = 1", "xy = 2", "print(x)", "x = 1", "model.fit(x, y)", "a\nx = 3", "X = 4"].forEach((source, i) =>
          store.add(i + 1, source, i === 0 ? "1" : undefined),
        );
      });
      const sources = (entries: unknown[]) => entries.map((entry) => (entry as [number, number, string])[2]);

      it("matches a glob against the whole source, case-sensitively, oldest first", () => {
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "x*" })), ["x = 1", "xy = 2", "x = 1"]);
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "x?=*" })), ["x = 1", "x = 1"]);
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "x??=*" })), ["xy = 2"]);
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "*x = ?" })), ["x = 1", "x = 1", "a\nx = 3"]);
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "X*" })), ["X = 4"]);
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "*.fit(*" })), ["model.fit(x, y)"]);
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "*+*" })), []);
        assert.equal(store.query({ hist_access_type: "search" }).length, 7);
      });

      it("supports SQLite GLOB sets", () => {
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "[mp]*" })), ["print(x)", "model.fit(x, y)"]);
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "[^a-x]*" })), ["X = 4"]);
        store.add(8, "arr[0]");
        store.add(9, "arr0");
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "arr[0]" })), ["arr0"]);
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "arr[[]0]" })), ["arr[0]"]);
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "*[]]" })), ["arr[0]"]);
        // An unterminated set matches nothing, as in SQLite, rather than a literal "[".
        assert.deepEqual(sources(store.query({ hist_access_type: "search", pattern: "arr[0*" })), []);
      });

      it("limits to the last n matches and drops repeats when unique", () => {
        assert.deepEqual(store.query({ hist_access_type: "search", pattern: "*x*", n: 2 }), [
          [1, 5, "model.fit(x, y)"],
          [1, 6, "a\nx = 3"],
        ]);
        assert.deepEqual(store.query({ hist_access_type: "search", pattern: "x*", unique: true }), [
          [1, 2, "xy = 2"],
          [1, 4, "x = 1"],
        ]);
        assert.deepEqual(store.query({ hist_access_type: "search", pattern: "x*", unique: true, n: 1, output: true }), [
          [1, 4, ["x = 1", null]],
        ]);
      });
    });

    describe("damaged or unusable files", () => {
      it("skips corrupt lines, reporting how many", () => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const lines = [
          { session: 1, start: "2024-01-01T00:00:00.000Z" },
          { session: 1, line: 1, source: "a" },
          '{"session":1,"line":2,"sour',
          "",
          { session: 1, line: 3, source: "c", output: "3" },
          { session: "1", line: 4, source: "d" },
          { session: 2, start: "2024-01-02T00:00:00.000Z" },
        ];
        fs.writeFileSync(file, lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n") + "\n");
        const warnings: string[] = [];
        const store = new HistoryStore(file, (message) => warnings.push(message));
        assert.equal(store.session, 3);
        assert.deepEqual(warnings, [`history: skipped 2 corrupt line(s) in ${file}`]);
        assert.deepEqual(store.query({ hist_access_type: "range", session: 1, output: true }), [
          [1, 1, ["a", null]],
          [1, 3, ["c", "3"]],
        ]);
      });

      it("keeps a half-written last line from swallowing the next one", () => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify({ session: 1, line: 1, source: "a" }) + '\n{"session":1,"li');
        const warnings: string[] = [];
        const second = new HistoryStore(file, (message) => warnings.push(message));
        assert.equal(second.session, 2);
        // The session that stored nothing is known only by its start line, which must have survived.
        const third = new HistoryStore(file, (message) => warnings.push(message));
        assert.equal(third.session, 3);
        assert.deepEqual(warnings, [`history: skipped 1 corrupt line(s) in ${file}`, `history: skipped 1 corrupt line(s) in ${file}`]);
        third.add(1, "b");
        assert.deepEqual(new HistoryStore(file).query({ hist_access_type: "tail" }), [
          [1, 1, "a"],
          [3, 1, "b"],
        ]);
      });

      it("works in memory, warning once, when the location can't be used", () => {
        const blocker = path.join(dir, "plain-file");
        fs.writeFileSync(blocker, "not a folder");
        const warnings: string[] = [];
        const store = new HistoryStore(path.join(blocker, "sub", "history.jsonl"), (message) => warnings.push(message));
        assert.equal(store.session, 1);
        store.add(1, "a");
        store.add(2, "b", "2");
        assert.deepEqual(store.query({ hist_access_type: "range", output: true }), [
          [1, 1, ["a", null]],
          [1, 2, ["b", "2"]],
        ]);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /in memory only/);
        assert.equal(fs.readFileSync(blocker, "utf8"), "not a folder");
      });

      it("keeps going in memory, warning once, when writing fails mid-session", () => {
        const warnings: string[] = [];
        const store = new HistoryStore(file, (message) => warnings.push(message));
        store.add(1, "a");
        fs.rmSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(path.dirname(file), "now a file");
        store.add(2, "b");
        store.add(3, "c");
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /cannot write the history file.*in memory only/);
        assert.deepEqual(store.query({ hist_access_type: "tail" }), [
          [1, 1, "a"],
          [1, 2, "b"],
          [1, 3, "c"],
        ]);
      });
    });
  });

  describe("historyPath", () => {
    const names = ["TFJS_STUDIO_HISTORY", "JUPYTER_DATA_DIR", "XDG_DATA_HOME"] as const;
    let saved: (string | undefined)[];
    beforeEach(() => {
      saved = names.map((name) => process.env[name]);
      for (const name of names) delete process.env[name];
    });
    afterEach(() =>
      names.forEach((name, i) => {
        if (saved[i] === undefined) delete process.env[name];
        else process.env[name] = saved[i];
      }),
    );

    it("uses $TFJS_STUDIO_HISTORY as is", () => {
      process.env.TFJS_STUDIO_HISTORY = "/srv/history.jsonl";
      process.env.JUPYTER_DATA_DIR = "/data/jupyter";
      assert.equal(historyPath("other"), "/srv/history.jsonl");
    });

    it("puts one file per kernel name in the Jupyter data directory", () => {
      process.env.JUPYTER_DATA_DIR = "/data/jupyter";
      process.env.XDG_DATA_HOME = "/xdg";
      assert.equal(historyPath(), path.join("/data/jupyter", "tfjs-studio", "tfjs-studio-history.jsonl"));
      assert.equal(historyPath("tfjs-gpu"), path.join("/data/jupyter", "tfjs-studio", "tfjs-gpu-history.jsonl"));
    });

    it("finds the Jupyter data directory per platform", () => {
      assert.equal(jupyterDataDir({ XDG_DATA_HOME: "/xdg" }, "linux", "/home/u"), path.join("/xdg", "jupyter"));
      assert.equal(jupyterDataDir({}, "linux", "/home/u"), path.join("/home/u", ".local", "share", "jupyter"));
      assert.equal(jupyterDataDir({ XDG_DATA_HOME: "/xdg" }, "darwin", "/Users/u"), path.join("/Users/u", "Library", "Jupyter"));
      assert.equal(jupyterDataDir({ APPDATA: "C:\\AppData" }, "win32", "C:\\Users\\u"), path.join("C:\\AppData", "jupyter"));
      assert.equal(jupyterDataDir({ JUPYTER_DATA_DIR: "/j", XDG_DATA_HOME: "/xdg" }, "linux", "/home/u"), "/j");
    });

    it("defaults to the platform's data directory in the real environment", () => {
      assert.equal(historyPath(), path.join(jupyterDataDir(process.env, process.platform, os.homedir()), "tfjs-studio", "tfjs-studio-history.jsonl"));
      if (process.platform === "linux") {
        assert.equal(historyPath(), path.join(os.homedir(), ".local", "share", "jupyter", "tfjs-studio", "tfjs-studio-history.jsonl"));
      }
    });
  });
}
