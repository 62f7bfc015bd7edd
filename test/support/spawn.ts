import {execFileSync, spawn, type ChildProcess} from "node:child_process";
import {existsSync, readFileSync} from "node:fs";
import net from "node:net";
import {resolve} from "node:path";
import {repoRoot} from "./helpers.ts";

/** A real server process on loopback, started by a test. */
export interface ServerProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  /** stdout + stderr so far (for failure messages). */
  log(): string;
  /** Resident memory of the process now and at its peak, from /proc (Linux). */
  memory(): {rssBytes: number; peakBytes: number};
  /** SIGKILL, as a crash or a pulled plug would. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** A port free right now (for a server that must come back on the same port after a restart). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

function start(command: string, args: string[], ready: (log: string) => string | undefined, what: string, timeoutMs = 60_000): Promise<ServerProcess> {
  const proc = spawn(command, args, {cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: {...process.env, NO_COLOR: "1"}});
  let log = "";
  proc.stdout!.on("data", (d) => (log += d));
  proc.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<void>((ok) => proc.once("exit", () => ok()));
  const handle = (url: string): ServerProcess => ({
    url,
    port: Number(new URL(url).port),
    proc,
    log: () => log,
    memory: () => {
      const status = readFileSync(`/proc/${proc.pid}/status`, "utf8");
      const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) * 1024;
      return {rssBytes: kb("VmRSS"), peakBytes: kb("VmHWM")};
    },
    kill: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
  });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      fail(new Error(`${what} did not start within ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    const check = async () => {
      const url = ready(log);
      if (!url) return;
      // Ready only once it answers (llama-server prints its address before the model is loaded).
      for (;;) {
        try {
          // Any answer but llama-server's 503 "loading model" means ready.
          if ((await fetch(`${url}/health`)).status !== 503) break;
        } catch {
          /* not yet */
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      clearTimeout(timer);
      proc.stdout!.off("data", onData);
      proc.stderr!.off("data", onData);
      ok(handle(url));
    };
    let checking = false;
    const onData = () => {
      if (checking || !ready(log)) return;
      checking = true;
      void check();
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`${what} exited with code ${code} before it was ready:\n${log}`));
    });
  });
}

/** `tlr serve` as a user runs it: the real bin/tlr.js in its own process, on a free loopback port by default. */
export function spawnTlrServe(model: string, args: string[] = []): Promise<ServerProcess> {
  const withPort = args.includes("--port") ? args : [...args, "--port", "0"];
  return start(
    process.execPath,
    [resolve(repoRoot, "bin/tlr.js"), "serve", "--model", model, "--threads", "1", ...withPort],
    (log) => /listening on (http:\/\/\S+)/.exec(log)?.[1],
    "tlr serve",
  );
}

/** Where scripts/build-llama-server.sh puts the binary (it prints the path; building is a no-op when done). */
function llamaServerPath(): string {
  const out = execFileSync("bash", [resolve(repoRoot, "scripts/build-llama-server.sh")], {encoding: "utf8", stdio: ["ignore", "pipe", "inherit"]});
  return out.trim().split("\n").at(-1)!;
}

/** The llama-server that scripts/build-llama-server.sh built (never a stand-in). */
export function llamaServerBinary(): string {
  const path = process.env.TLR_LLAMA_SERVER ?? llamaServerPath();
  if (!existsSync(path)) throw new Error(`${path} is missing: build it once with scripts/build-llama-server.sh (see README, "llama-server")`);
  return path;
}

/**
 * A real llama-server with one slot and one thread (-t 1 -tb 1): sharing two cores with the
 * test's own models at full thread counts stalls both for seconds.
 */
export async function spawnLlamaServer(model: string, args: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  return start(
    llamaServerBinary(),
    ["-m", model, "--host", "127.0.0.1", "--port", String(port), "-t", "1", "-tb", "1", "-np", "1", "--no-webui", ...args],
    (log) => (/listening on http/.test(log) ? `http://127.0.0.1:${port}` : undefined),
    "llama-server",
  );
}

/** `tlr demo` as a user runs it, on a free loopback port; `url` is its base (the printed URL without the token). */
export function spawnTlrDemo(args: string[]): Promise<ServerProcess> {
  return start(process.execPath, [resolve(repoRoot, "bin/tlr.js"), "demo", "--port", "0", ...args], (log) => /tlr demo: open (http:\/\/[^/\s]+)/.exec(log)?.[1], "tlr demo", 120_000);
}
