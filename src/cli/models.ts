import {Command} from "commander";
import {MODEL_PRESETS} from "../models/modelPresets.ts";
import {PAIR_PRESETS} from "../models/pairPresets.ts";
import {cachedModelPath, pullModel} from "../models/pullModel.ts";
import {toJson, type CliIO} from "./io.ts";

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** `tlr models list | pull`: Hub-hosted model presets. */
export function modelsCommand(io: CliIO): Command {
  const models = new Command("models").description("named GGUF models on the Hugging Face Hub: list them, pull them into the Hugging Face cache (sha256 checked)");
  models
    .command("list")
    .description("the model presets, whether each is in the cache, and the pair presets")
    .option("--cache-dir <dir>", "Hugging Face cache (default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)")
    .option("--json", "print as JSON")
    .action((flags: {cacheDir?: string; json?: boolean}) => {
      const rows = Object.entries(MODEL_PRESETS).map(([name, p]) => {
        let cached: string | null = null;
        try {
          cached = cachedModelPath(name, {cacheDir: flags.cacheDir, env: io.env});
        } catch {
          // not pulled
        }
        const size = p.files.reduce((s, f) => s + (f.size ?? 0), 0);
        return {name, repo: p.repo, files: p.files.map((f) => f.path), size, pinned: p.files.every((f) => f.sha256 !== null), cached, description: p.description};
      });
      if (flags.json) {
        io.stdout.write(`${toJson({models: rows, pairs: PAIR_PRESETS}, 2)}\n`);
        return;
      }
      for (const r of rows) io.stdout.write(`${r.name.padEnd(30)} ${gb(r.size).padStart(8)}  ${r.cached ? "cached " : "-      "} ${r.repo} (${r.files.length} file${r.files.length > 1 ? "s" : ""})${r.pinned ? "" : ", sha256 pinned on first pull"}\n`);
      io.stdout.write("\npairs:\n");
      for (const [name, p] of Object.entries(PAIR_PRESETS)) io.stdout.write(`${name.padEnd(30)} ${p.description}\n`);
    });
  models
    .command("pull")
    .description("download a model preset through the Hugging Face Hub into the Hugging Face cache, checking every file's sha256")
    .argument("<name>", "a model preset (tlr models list)")
    .option("--cache-dir <dir>", "Hugging Face cache (default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)")
    .option("--hub-url <url>", "Hub endpoint (default: $HF_ENDPOINT, else https://huggingface.co)")
    .option("--json", "print the result as JSON")
    .action(async (name: string, flags: {cacheDir?: string; hubUrl?: string; json?: boolean}) => {
      const result = await pullModel(name, {
        cacheDir: flags.cacheDir,
        hubUrl: flags.hubUrl,
        env: io.env,
        onFile: (path, size) => io.stderr.write(`tlr: pulling ${path}${size ? ` (${gb(size)})` : ""}…\n`),
      });
      if (flags.json) {
        io.stdout.write(`${toJson(result, 2)}\n`);
        return;
      }
      for (const f of result.files) io.stdout.write(`${f.path}: sha256 ${f.sha256} (${f.check === "preset" ? "as the preset pins" : f.check === "pin" ? "as pinned by an earlier pull" : "pinned now, equal to the Hub's"})\n`);
      io.stdout.write(`${name}: ${result.model}\n`);
    });
  return models;
}
