import {main} from "../../src/cli/main.ts";

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in this process through `main(argv, io)`, the function bin/tlr.js calls, with its
 * output captured: the same parsing, checks and exit codes as the binary, without a process start
 * (a second or more under tsx) per run.
 */
export async function runMain(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<MainRun> {
  let stdout = "";
  let stderr = "";
  const io = {stdout: {write: (s: string) => (stdout += s)}, stderr: {write: (s: string) => (stderr += s)}, env: {...env, NO_COLOR: "1"}};
  const code = await main(argv, io);
  return {code, stdout, stderr};
}

/** Exit 2 and exactly one line on stderr, "tlr: error: …" (or commander's "tlr: error: …" for a flag). */
export function oneLineError(run: MainRun): string {
  if (run.code !== 2) throw new Error(`expected exit 2, got ${run.code}: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split("\n");
  if (lines.length !== 1 || !lines[0]!.startsWith("tlr: error: ")) throw new Error(`expected one "tlr: error:" line, got:\n${run.stderr}`);
  return lines[0]!;
}
