import {Command, Option} from "commander";
import type {GpuSetting} from "../models/runtime.ts";
import {SERVE_DEFAULTS, startServer} from "../server/startServer.ts";
import {parseInteger, parseNumber, parsePositiveInt, type CliIO} from "./io.ts";
import {untilStopped} from "./untilStopped.ts";

interface ServeFlags {
  model: string;
  host: string;
  port: number;
  token?: string;
  threads?: number;
  contextSize?: number;
  batchSize?: number;
  topK: number;
  maxSessions: number;
  idleSeconds: number;
  maxBodyBytes: number;
  parallel: number;
  maxNewTokens: number;
  gpu: string;
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;

export function serveCommand(io: CliIO): Command {
  const d = SERVE_DEFAULTS;
  return new Command("serve")
    .description("serve the large model over HTTP: incremental sessions (POST /session/next) and OpenAI-compatible /v1/completions")
    .requiredOption("--model <gguf>", "the large model")
    .option("--host <address>", "address to bind (loopback by default; expose it only with --token)", d.host)
    .option("--port <n>", "port (0 picks a free one)", parseInteger, d.port)
    .option("--token <secret>", "require Authorization: Bearer <secret> (default: $TLR_SERVE_TOKEN)")
    .option("--threads <n>", "CPU threads per evaluation (default: 1 below 50M parameters, else the physical cores)", parsePositiveInt)
    .option("--context-size <n>", "context per session (default: training context, at most 4096)", parsePositiveInt)
    .option("--batch-size <n>", "tokens per evaluation batch (default: min(context, 512))", parsePositiveInt)
    .option("--top-k <k>", "top log-probabilities per step", parsePositiveInt, d.topK)
    .option("--max-sessions <n>", "sessions held at once; the least recently used is evicted", parsePositiveInt, d.maxSessions)
    .option("--idle-seconds <s>", "free a session unused this long", parseNumber, d.idleSeconds)
    .option("--max-body-bytes <n>", "largest request body", parsePositiveInt, d.maxBodyBytes)
    .option("--parallel <n>", "evaluations at once across sessions", parsePositiveInt, d.parallel)
    .option("--max-new-tokens <n>", "most tokens one /v1/completions request may generate", parsePositiveInt, d.maxNewTokens)
    .addOption(new Option("--gpu <kind>", "GPU backend").choices(["auto", "false", "cuda", "vulkan", "metal"]).default("auto"))
    .action(async (flags: ServeFlags) => runServe(flags, io));
}

async function runServe(flags: ServeFlags, io: CliIO): Promise<void> {
  const token = flags.token ?? (io.env.TLR_SERVE_TOKEN || undefined);
  if (!LOOPBACK.test(flags.host) && !token) {
    io.stderr.write(`tlr: warning: serving on ${flags.host} without --token: anyone who can reach it can use the model\n`);
  }
  const server = await startServer({
    ...flags,
    token,
    gpu: flags.gpu === "false" ? false : (flags.gpu as GpuSetting),
  });
  const s = server.sessions();
  io.stderr.write(`tlr serve: ${flags.model} listening on ${server.url} (≤ ${s.max} sessions${token ? ", bearer token required" : ""}); Ctrl-C stops it\n`);
  await untilStopped();
  await server.close();
  io.stderr.write("tlr serve: stopped\n");
}
