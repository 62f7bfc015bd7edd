import {readFileSync} from "node:fs";
import os from "node:os";
import {TlrError} from "./errors.ts";

let cached: number | undefined;

/**
 * Physical CPU cores (not hyper-threads): ggml's busy-waiting threads on logical siblings make
 * decoding far slower, so thread counts start from this number. Reads /proc/cpuinfo on Linux;
 * elsewhere falls back to `os.availableParallelism()`.
 */
export function physicalCores(): number {
  if (cached !== undefined) return cached;
  const cores = readLinuxPhysicalCores() ?? os.availableParallelism();
  // A container's CPU quota (Kubernetes' resources.limits.cpu, docker --cpus) is not a CPU
  // affinity: availableParallelism() still counts the host's CPUs, and as many busy-waiting ggml
  // threads on a 2-CPU quota would make decoding crawl.
  cached = Math.max(1, Math.min(cores, cgroupCpuQuota() ?? Infinity, cpusFromEnv(process.env.TLR_CPUS) ?? Infinity));
  return cached;
}

/**
 * `TLR_CPUS=n`: the cores tlr may use, where the machine is shared with other work that the
 * quota does not show (two sweeps side by side, a test runner's parallel workers). Threads and the
 * default worker count are sized from it; unset, from the machine.
 */
export function cpusFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new TlrError(`TLR_CPUS must be a positive whole number of cores, got "${value}": unset it to use the machine's`);
  return n;
}

/** CPUs allowed by the cgroup's CFS quota (v2 `cpu.max`, v1 `cpu.cfs_quota_us`), rounded down; undefined without one. */
export function cgroupCpuQuota(read: (path: string) => string | undefined = readText): number | undefined {
  const v2 = read("/sys/fs/cgroup/cpu.max")?.trim().split(/\s+/);
  let quota: number | undefined;
  let period: number | undefined;
  if (v2 && v2[0] !== "max") [quota, period] = [Number(v2[0]), Number(v2[1])];
  else if (!v2) [quota, period] = [Number(read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")), Number(read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))];
  if (quota === undefined || period === undefined || !(quota > 0) || !(period > 0)) return undefined;
  return Math.max(1, Math.floor(quota / period));
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
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
