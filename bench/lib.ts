import {mkdirSync, writeFileSync} from "node:fs";
import os from "node:os";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {physicalCores} from "../src/index.ts";

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(benchDir, "..");
export const shared = resolve(repoRoot, process.env.TLR_SHARED ?? "../shared");

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    logicalCpus: os.cpus().length,
    physicalCores: physicalCores(),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

/** Writes bench/results/NAME.json with the machine, the command and the figures. */
export function record(name: string, command: string, figures: unknown): void {
  const path = resolve(benchDir, "results", `${name}.json`);
  mkdirSync(dirname(path), {recursive: true});
  writeFileSync(path, JSON.stringify({name, command, date: new Date().toISOString(), machine: machine(), figures}, null, 2) + "\n");
  process.stderr.write(`wrote ${path}\n`);
}
