import {readFileSync} from "node:fs";
import os from "node:os";

let cached: number | undefined;

/**
 * Physical CPU cores (not hyper-threads): ggml's busy-waiting threads on logical siblings make
 * decoding far slower, so thread counts start from this number. Reads /proc/cpuinfo on Linux;
 * elsewhere falls back to `os.availableParallelism()`.
 */
export function physicalCores(): number {
  if (cached !== undefined) return cached;
  cached = readLinuxPhysicalCores() ?? os.availableParallelism();
  return cached;
}

function readLinuxPhysicalCores(): number | undefined {
  let text: string;
  try {
    text = readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    return undefined;
  }
  const cores = new Set<string>();
  let physicalId = "0";
  for (const line of text.split("\n")) {
    const [key, value] = line.split(":").map((s) => s.trim());
    if (key === "physical id") physicalId = value ?? "0";
    else if (key === "core id") cores.add(`${physicalId}:${value}`);
  }
  if (cores.size === 0) return undefined;
  // Containers may be limited to fewer CPUs than the host's cores.
  return Math.max(1, Math.min(cores.size, os.availableParallelism()));
}
