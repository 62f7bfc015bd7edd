import {execFileSync} from "node:child_process";
import {readFileSync} from "node:fs";
import os from "node:os";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {physicalCores} from "../util/cpu.ts";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface CodeVersion {
  package: string;
  version: string;
  /** git commit of the checkout, when it is one. */
  commit: string | null;
  /** Uncommitted changes to tracked files at the time of the run. */
  dirty: boolean | null;
  nodeLlamaCpp: string;
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, {cwd: packageRoot, stdio: ["ignore", "pipe", "ignore"]}).toString().trim();
  } catch {
    return null;
  }
}

export function codeVersion(): CodeVersion {
  const pkg = JSON.parse(readFileSync(resolve(packageRoot, "package.json"), "utf8")) as {name: string; version: string};
  const llama = JSON.parse(readFileSync(resolve(packageRoot, "node_modules/node-llama-cpp/package.json"), "utf8")) as {version: string};
  const status = git(["status", "--porcelain", "--untracked-files=no"]);
  return {package: pkg.name, version: pkg.version, commit: git(["rev-parse", "HEAD"]), dirty: status === null ? null : status.length > 0, nodeLlamaCpp: llama.version};
}

export interface MachineInfo {
  hostname: string;
  platform: string;
  cpu: string;
  physicalCores: number;
  logicalCpus: number;
  memoryGiB: number;
  node: string;
}

export function machineInfo(): MachineInfo {
  return {
    hostname: os.hostname(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? "unknown",
    physicalCores: physicalCores(),
    logicalCpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}
