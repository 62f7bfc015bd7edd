import {Option, type Command} from "commander";
import type {Dataset, LoadDatasetOptions} from "../data/loadDataset.ts";
import type {CliIO} from "./io.ts";

/** The flags every `tlr data` command that reads a dataset shares. */
export interface SourceFlags {
  dataDir?: string;
  source?: "local" | "hub";
  offline?: boolean;
  cacheDir?: string;
  hubUrl?: string;
  revision?: string;
  skipBadRows?: boolean;
  verify: boolean;
}

export function addHubOptions(cmd: Command): Command {
  return cmd
    .option("--cache-dir <dir>", "Hugging Face cache (default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)")
    .option("--hub-url <url>", "Hub endpoint (default: $HF_ENDPOINT, else https://huggingface.co)")
    .option("--revision <rev>", "Hub branch or 40-hex commit (default: the manifest's, refs/convert/parquet)")
    .option("--no-verify", "do not check checksums and row counts against the manifest in datasets/");
}

export function addSourceOptions(cmd: Command): Command {
  return addHubOptions(
    cmd
      .option("--data-dir <dir>", "a folder laid out like $TLR_SHARED/data (default: $TLR_DATA_DIR)")
      .addOption(new Option("--source <where>", "read a local data directory or the Hugging Face Hub (default: local when there is a data directory, else hub)").choices(["local", "hub"]))
      .option("--offline", "read the Hugging Face cache only, never the network (also HF_HUB_OFFLINE=1)")
      .option("--skip-bad-rows", "skip and count rows that cannot be read, instead of stopping at the first"),
  );
}

export function loadOptions(flags: SourceFlags, io: CliIO): LoadDatasetOptions {
  return {
    dataDir: flags.dataDir,
    source: flags.source,
    // Absent rather than false, so that HF_HUB_OFFLINE=1 still applies.
    offline: flags.offline ? true : undefined,
    cacheDir: flags.cacheDir,
    hubUrl: flags.hubUrl,
    revision: flags.revision,
    skipBadRows: flags.skipBadRows,
    verify: flags.verify,
    env: io.env,
  };
}

/** One warning line when bad rows were skipped: how many, and the first of them. */
export function warnSkipped(d: Dataset, io: CliIO): void {
  const first = d.badRows[0];
  if (!first) return;
  const more = d.skipped > 1 ? ` (and ${d.skipped - 1} more)` : "";
  io.stderr.write(`tlr: warning: skipped ${d.skipped} bad row${d.skipped > 1 ? "s" : ""} of ${d.name} ${d.split}: ${first.file} ${first.at}: ${first.reason}${more}\n`);
}

/** Where a dataset was read from, in a few words. */
export function describeSource(d: Dataset): string {
  const p = d.provenance;
  if (p.source === "hub" && p.hub) return `hub ${p.hub.repo}@${p.hub.commit.slice(0, 10)}`;
  if (p.source === "local") return `local ${p.dataDir}`;
  if (p.source === "generated" && p.generator) return `generated (seed ${p.generator.seed})`;
  return `file ${p.files[0]?.path ?? d.name}`;
}
