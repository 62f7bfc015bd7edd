import {basename} from "node:path";
import type {Results} from "../results/resultsFolder.ts";
import {escapeHtml} from "../util/escapeHtml.ts";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});
const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

/**
 * Where a results folder came from, as its Arrow metadata records it: the experiment, when it
 * was written, the code (commit) and machine(s), the models (file and sha256) and datasets; the
 * full config in a collapsed block.
 */
export function provenanceHtml(results: Results): string {
  const m = results.metadata;
  const config = obj(m.config);
  const items: [string, string][] = [
    ["folder", results.dir],
    ["experiment", `${str(config.name)}${config.description ? `: ${str(config.description)}` : ""}`],
    ["written", m.created],
    ...m.code.map((c): [string, string] => {
      const code = obj(c);
      return ["code", `${str(code.package)} ${str(code.version)} · commit ${str(code.commit).slice(0, 12)}${code.dirty ? " (uncommitted changes)" : ""} · node-llama-cpp ${str(code.nodeLlamaCpp)}`];
    }),
    ...m.machines.map((x): [string, string] => {
      const machine = obj(x);
      return ["machine", `${str(machine.cpu)} · ${str(machine.physicalCores)} cores · ${str(machine.memoryGiB)} GiB · ${str(machine.platform)} · node ${str(machine.node)}`];
    }),
    ...Object.entries(obj(m.models)).flatMap(([pair, models]) =>
      Object.entries(obj(models)).map(([side, model]): [string, string] => [`${pair} ${side}`, `${basename(str(obj(model).path))} · sha256 ${str(obj(model).sha256).slice(0, 16)}…`]),
    ),
    ...(Array.isArray(m.datasets) ? m.datasets : []).map((d): [string, string] => {
      const ds = obj(d);
      return ["dataset", `${str(ds.name)} (${str(ds.split)}, ${str(ds.task)}) · ${str(ds.questions)} questions · source ${str(obj(ds.provenance).source)}`];
    }),
  ];
  const list = items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("\n");
  return `<dl>\n${list}\n</dl>\n<details><summary>experiment config</summary><pre>${escapeHtml(JSON.stringify(m.config, null, 2))}</pre></details>`;
}
