import type {Choice, Example} from "../data/types.ts";

/** A prompt format: which datasets it fits, the prompt text, and where generation may stop (beyond EOS). */
export interface PromptFormat {
  readonly name: string;
  readonly kind: "multiple-choice" | "numeric";
  readonly description: string;
  prompt(example: Example): string;
  readonly stop: readonly string[];
}

const choiceLines = (choices: readonly Choice[]) => choices.map((c) => `${c.label}. ${c.text}\n`).join("");

/** CITER's chain-of-thought prompt, verbatim (the paper's CommonsenseQA runs used it). */
const citer: PromptFormat = {
  name: "citer",
  kind: "multiple-choice",
  description: "CITER's chain-of-thought prompt (the paper's), answer as `Therefore, the answer is answer (label).`",
  prompt: (e) =>
    `Question: ${e.question}\nChoices:\n${choiceLines(e.choices)}` +
    "Please format your response in the following way:\n" +
    "[Explanation]. Therefore, the answer is answer (label).\n" +
    "Ensure the final sentence includes the answer followed by the label in parentheses.\n" +
    "Answer and Reasoning:",
  // A model that has answered may go on to invent the next question.
  stop: ["\nQuestion:"],
};

/** lm-evaluation-harness's zero-shot multiple-choice prompt; the answer is one letter. */
const letter: PromptFormat = {
  name: "letter",
  kind: "multiple-choice",
  description: "zero-shot letter prompt in lm-evaluation-harness style: `Question: …\\nA. …\\nAnswer:`",
  prompt: (e) => `Question: ${e.question}\n${choiceLines(e.choices)}Answer:`,
  stop: ["\n"],
};

/** The toy-arith models' own prompt (task_spec.md §1); they end their completion with EOS. */
const toy: PromptFormat = {
  name: "toy",
  kind: "multiple-choice",
  description: "the toy-arith models' training prompt: `Question: …\\nChoices:\\nA. …\\nAnswer:`",
  prompt: (e) => `Question: ${e.question}\nChoices:\n${choiceLines(e.choices)}Answer:`,
  stop: [],
};

/** lm-evaluation-harness's GSM8K prompt; the model works the problem and ends with `#### <number>`. */
const qa: PromptFormat = {
  name: "qa",
  kind: "numeric",
  description: "lm-evaluation-harness's GSM8K prompt: `Question: …\\nAnswer:`",
  prompt: (e) => `Question: ${e.question}\nAnswer:`,
  stop: ["Question:"],
};

export const PROMPT_FORMATS: readonly PromptFormat[] = [citer, letter, toy, qa];
