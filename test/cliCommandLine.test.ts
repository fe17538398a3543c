// The `tfjs-studio` command line as a whole: --help for every command, and one set of exit codes.
import assert from "node:assert/strict";
import { runCli } from "./support/cli";

describe("tfjs-studio command line", function () {
  this.timeout(60_000);

  for (const command of ["kernel", "install-kernel", "run", "new", "package", "serve", "invoke"]) {
    it(`${command} --help prints its usage and exits 0`, async () => {
      const { code, stdout, stderr } = await runCli([command, "--help"]);
      assert.equal(code, 0, stderr);
      assert.match(stdout, new RegExp(`^usage: tfjs-studio ${command}\\b`));
    });

    it(`${command} with an unknown option names it, prints its usage and exits 2`, async () => {
      const { code, stderr } = await runCli([command, "--frobnicate"]);
      assert.equal(code, 2);
      assert.match(stderr, new RegExp(`^tfjs-studio ${command}: Unknown option '--frobnicate'[\\s\\S]*usage: tfjs-studio ${command}\\b`));
    });
  }

  it("kernel without a connection file says so and exits 2", async () => {
    const { code, stderr } = await runCli(["kernel"]);
    assert.equal(code, 2);
    assert.match(stderr, /--connection-file FILE is required/);
  });

  it("lists the commands for --help, and exits 2 with the list for none or an unknown one", async () => {
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /commands:[\s\S]*install-kernel[\s\S]*Each command takes --help/);
    assert.equal((await runCli([])).code, 2);
    const unknown = await runCli(["launch"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "launch"/);
    const noTarget = await runCli(["deploy"]);
    assert.equal(noTarget.code, 2);
    assert.match(noTarget.stderr, /the target is required: deploy sagemaker/);
    const otherCloud = await runCli(["deploy", "azure", "model.tar.gz"]);
    assert.equal(otherCloud.code, 2);
    assert.match(otherCloud.stderr, /unknown target "azure"/);
  });
});
