import {execFile} from "node:child_process";
import {promisify} from "node:util";
import {describe, expect, it} from "vitest";
import {repoRoot} from "../support/helpers.ts";

const sh = async (command: string) => {
  const {stdout, stderr} = await promisify(execFile)("sh", ["-c", command], {cwd: repoRoot, env: {...process.env, NO_COLOR: "1"}});
  return {stdout, stderr};
};

describe("installing from the lockfile (npm ci) and running npx tlr", () => {
  it("npx tlr prints no npm warning (the project .npmrc holds only settings npm knows)", async () => {
    const run = await sh("npx tlr --help");
    expect(run.stdout).toMatch(/^Usage: tlr/);
    expect(run.stderr).toBe("");
  });

  it("dependencies' install scripts never run (onnxruntime-node's would download CUDA libraries from nuget.org)", async () => {
    expect((await sh("npm config get ignore-scripts")).stdout.trim()).toBe("true");
  });

  it("npm ci warns about no engine: every locked package allows this Node", async () => {
    const run = await sh("npm ci --dry-run --no-audit --no-fund --prefer-offline");
    expect(run.stderr).not.toMatch(/EBADENGINE|Unknown project config|install-scripts/);
  });
});
