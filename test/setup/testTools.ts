import {execFileSync, spawn} from "node:child_process";
import {existsSync} from "node:fs";
import {resolve} from "node:path";
import {repoRoot} from "../support/helpers.ts";

/**
 * What the README's test command needs beyond `npm ci`, installed or built by the test command
 * itself (vitest's globalSetup) so that it passes on a fresh machine: Debian's chromium (the
 * report's browser test) and llama.cpp's llama-server (the remote backend's tests). Each step says
 * what it installs or builds and how long it took; with `dryRun` it only says what it would do.
 */
export interface ToolOptions {
  /** Print the plan and change nothing. */
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where progress lines go (stderr by default). */
  log?: (line: string) => void;
  /** The user id deciding whether apt-get may run (default: this process's). */
  uid?: number;
}

/** The Debian packages the browser and chart tests read: the browser, and the charts' font. */
export const CHROMIUM_DEBS = ["chromium", "fonts-dejavu-core"] as const;
const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** A setup failure: one line saying what to install; vitest prints it without a stack. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

const logTo = (o: ToolOptions) => o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
const seconds = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], {stdio: "ignore"});
    return true;
  } catch {
    return false;
  }
}

/**
 * Debian's chromium for the browser tests, never a downloaded browser: `$TLR_CHROMIUM`, else
 * /usr/bin/chromium. When it is missing, root with apt-get installs the Debian package (which
 * provides /usr/bin/chromium); anyone else gets one line saying what to install. Returns the
 * browser's path (undefined on a dry run that would install it).
 */
export async function ensureChromium(options: ToolOptions = {}): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const log = logTo(options);
  const wanted = env.TLR_CHROMIUM || DEBIAN_CHROMIUM;
  if (existsSync(wanted)) return wanted;
  const command = `apt-get install -y --no-install-recommends ${CHROMIUM_DEBS.join(" ")}`;
  const what = `${wanted} is missing`;
  if ((options.uid ?? process.getuid?.()) !== 0 || !hasCommand("apt-get")) {
    throw new SetupError(`tlr tests: ${what}: install Debian's chromium as root (${command}), or set TLR_CHROMIUM to a Chromium binary`);
  }
  if (options.dryRun) {
    log(`tlr tests: ${what}: would run apt-get update && ${command}`);
    return undefined;
  }
  log(`tlr tests: ${what}: installing Debian's chromium (apt-get update && ${command})…`);
  const start = performance.now();
  const aptEnv = {...process.env, DEBIAN_FRONTEND: "noninteractive"};
  await run("apt-get", ["update", "-qq"], aptEnv);
  await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...CHROMIUM_DEBS], aptEnv);
  if (!existsSync(DEBIAN_CHROMIUM)) throw new SetupError(`tlr tests: apt-get installed chromium but ${DEBIAN_CHROMIUM} is still missing`);
  log(`tlr tests: installed Debian's chromium in ${seconds(performance.now() - start)}`);
  return DEBIAN_CHROMIUM;
}

/**
 * llama-server for the remote tests: `$TLR_LLAMA_SERVER` if set, else built by
 * scripts/build-llama-server.sh into its cache (`$TLR_LLAMA_SERVER_DIR`, else
 * `~/.cache/tlr/llama-server/<commit>`) the first time, ~4 minutes on two cores, and found there
 * at once afterwards. Returns the binary's path (undefined on a dry run that would build it).
 */
export async function ensureLlamaServer(options: ToolOptions = {}): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const log = logTo(options);
  if (env.TLR_LLAMA_SERVER) {
    if (!existsSync(env.TLR_LLAMA_SERVER)) throw new SetupError(`tlr tests: TLR_LLAMA_SERVER=${env.TLR_LLAMA_SERVER} does not exist: unset it to build llama-server, or point it at a built one`);
    return env.TLR_LLAMA_SERVER;
  }
  const script = resolve(repoRoot, "scripts/build-llama-server.sh");
  // The script's dry run prints the path when the binary is there, else what it would build (stderr).
  const planned = await run("bash", [script, "--dry-run"], env, true);
  const built = planned.stdout.trim().split("\n").at(-1);
  if (built) return built;
  if (options.dryRun) {
    log(`tlr tests: ${planned.stderr.trim().replace(/^build-llama-server: /, "")}`);
    return undefined;
  }
  log("tlr tests: building llama-server for the remote tests (once per machine, ~4 min on two cores)…");
  const start = performance.now();
  const ticker = setInterval(() => log(`tlr tests: still building llama-server (${seconds(performance.now() - start)})`), 60_000);
  try {
    const path = (await run("bash", [script], env, true)).stdout.trim().split("\n").at(-1)!;
    log(`tlr tests: built ${path} in ${seconds(performance.now() - start)}`);
    return path;
  } finally {
    clearInterval(ticker);
  }
}

/** Runs a command; its stderr shows through unless `capture`; a failure is a SetupError with its output's end. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, capture = false): Promise<{stdout: string; stderr: string}> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {env, stdio: ["ignore", "pipe", capture ? "pipe" : "inherit"]});
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("error", (e) => fail(new SetupError(`tlr tests: cannot run ${command}: ${e.message}`)));
    child.on("close", (code) => {
      if (code === 0) done({stdout, stderr});
      else fail(new SetupError(`tlr tests: ${command} ${args.join(" ")} failed (exit ${code}): ${(stderr || stdout).trim().split("\n").slice(-3).join(" / ")}`));
    });
  });
}
