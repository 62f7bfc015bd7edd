import {readFileSync} from "node:fs";
import {resolve} from "node:path";
import {repoRoot, sharedPath} from "./helpers.ts";

/** The trained toy pair shipped in models/toy-arith (see its MODEL_CARD.md). */
export const toy = {
  small: resolve(repoRoot, "models/toy-arith/toy-arith-small.gguf"),
  large: resolve(repoRoot, "models/toy-arith/toy-arith-large.gguf"),
};

/** The first `n` held-out questions of $TLR_SHARED/models/toy-arith/eval.jsonl, as prompts (task_spec.md §1). */
export function toyPrompts(n: number): string[] {
  const rows = readFileSync(sharedPath("models/toy-arith/eval.jsonl"), "utf8").trim().split("\n").slice(0, n);
  return rows.map((line) => {
    const q = JSON.parse(line).question as {stem: string; choices: {label: string; text: string}[]};
    return `Question: ${q.stem}\nChoices:\n${q.choices.map((c) => `${c.label}. ${c.text}\n`).join("")}Answer:`;
  });
}
