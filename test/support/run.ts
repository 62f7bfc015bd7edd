import {spawn} from "node:child_process";
import {resolve} from "node:path";
import {repoRoot} from "./helpers.ts";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `tlr` binary (bin/tlr.js) in a child process, as a user would. */
export function tlr(args: string[], options: {env?: NodeJS.ProcessEnv; cwd?: string} = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    // Piped output without colour unless a test asks for it (Node warns when both are set).
    const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: "1", ...options.env};
    delete env.FORCE_COLOR;
    if (options.env?.FORCE_COLOR) {
      env.FORCE_COLOR = options.env.FORCE_COLOR;
      delete env.NO_COLOR;
    }
    const child = spawn(process.execPath, [resolve(repoRoot, "bin/tlr.js"), ...args], {cwd: options.cwd ?? repoRoot, env});
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code) => done({code, stdout, stderr}));
  });
}
