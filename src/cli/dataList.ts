import {Command} from "commander";
import {listDatasets} from "../data/listDatasets.ts";
import {toJson, type CliIO} from "./io.ts";

export function dataListCommand(io: CliIO): Command {
  return new Command("list")
    .description("the registered datasets: splits with their rows, default task, Hugging Face repo")
    .option("--json", "print the list as JSON")
    .action((flags: {json?: boolean}) => {
      const all = listDatasets();
      if (flags.json) {
        io.stdout.write(toJson(all, 2) + "\n");
        return;
      }
      const rows = all.map((d) => [
        d.name,
        d.splits.map((s) => `${s.name}${s.name === d.defaultSplit ? "*" : ""} ${s.rows ?? "?"}${s.labelled ? "" : " (no labels)"}${s.localFiles.length || s.generated ? "" : " (hub)"}`).join(" · "),
        `${d.name}:${d.defaultFormat}`,
        d.hub ? `${d.hub.repo}${d.hub.config === "default" ? "" : ` (${d.hub.config})`}` : "generated",
      ]);
      const header = ["dataset", "splits: rows (* default, (hub): Hub only)", "default task", "Hugging Face repo"];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [header, ...rows]) io.stdout.write(r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join("  ") + "\n");
    });
}
