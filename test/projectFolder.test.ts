import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectFolder } from "../extension/commands/projectFolder";
import { tempDir } from "./support/studioKernel";

describe("the folder a new project goes to", () => {
  let parent: string;
  beforeEach(() => (parent = tempDir("project-folder-")));
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it("is the chosen folder when it is empty or does not exist yet", () => {
    assert.equal(projectFolder(parent, "mnist-cnn"), parent);
    assert.equal(projectFolder(path.join(parent, "new"), "mnist-cnn"), path.join(parent, "new"));
  });

  it("is a new subfolder named after the template when the chosen folder has files", () => {
    fs.writeFileSync(path.join(parent, "notes.txt"), "mine");
    assert.equal(projectFolder(parent, "mnist-cnn"), path.join(parent, "mnist-cnn"));
    fs.mkdirSync(path.join(parent, "mnist-cnn"));
    assert.equal(projectFolder(parent, "mnist-cnn"), path.join(parent, "mnist-cnn"), "an empty subfolder is used");
    fs.writeFileSync(path.join(parent, "mnist-cnn", "x.ts"), "");
    assert.equal(projectFolder(parent, "mnist-cnn"), path.join(parent, "mnist-cnn-2"));
  });
});
