/**
 * Shared by the remote benchmarks: the toy pair, its eval prompts, real servers on loopback, and
 * a loop that runs questions through decode() with the large model behind a server.
 */
import {readFileSync} from "node:fs";
import {connectRemote, createRouter, decode, encodePrompt, LocalModel, readVocabulary, type DecodeResult, type RemoteProtocol, type RouterSpec} from "../src/index.ts";
import {spawnLlamaServer, spawnTlrServe, type ServerProcess} from "../test/support/spawn.ts";
import {repoRoot, shared} from "./lib.ts";

export const TOY_SMALL = `${repoRoot}/models/toy-arith/toy-arith-small.gguf`;
export const TOY_LARGE = `${repoRoot}/models/toy-arith/toy-arith-large.gguf`;

export const TINY_SMALL = `${shared}/models/tiny/stories260K-2layer-synthetic.gguf`;
export const TINY_LARGE = `${shared}/models/tiny/stories260K.gguf`;

/** CommonsenseQA dev questions in CITER's prompt format (the paper's setting; DESIGN.md §1). */
export function csqaPromptTexts(n: number): string[] {
  const rows = readFileSync(`${shared}/data/commonsense_qa/dev_rand_split.jsonl`, "utf8").trim().split("\n").slice(0, n);
  return rows.map((line) => {
    const q = JSON.parse(line).question as {stem: string; choices: {label: string; text: string}[]};
    return (
      `Question: ${q.stem}\nChoices:\n${q.choices.map((c) => `${c.label}. ${c.text}`).join("\n")}\n` +
      "Please format your response in the following way:\n[Explanation]. Therefore, the answer is answer (label).\n" +
      "Ensure the final sentence includes the answer followed by the label in parentheses.\nAnswer and Reasoning:"
    );
  });
}

/** tlr serve and llama-server for the same large model, one thread each (the client has the other core). */
export async function startServers(large: string, alias: string): Promise<{tlr: ServerProcess; llama: ServerProcess; stop(): Promise<void>}> {
  const [tlr, llama] = await Promise.all([spawnTlrServe(large), spawnLlamaServer(large, ["--alias", alias])]);
  return {tlr, llama, stop: async () => void (await Promise.all([tlr.stop(), llama.stop()]))};
}

export interface PassOptions {
  url: string;
  /** The small model's file, for the vocabulary check. */
  smallPath: string;
  protocol: RemoteProtocol;
  prompts: string[];
  router: RouterSpec;
  threshold: number;
  maxTokens: number;
}

/** Every question from a clean state (small reset, a new session), as a sweep runs them. */
export async function remotePass(small: LocalModel, o: PassOptions): Promise<DecodeResult[]> {
  const backend = await connectRemote({url: o.url, protocol: o.protocol, vocabulary: await readVocabulary(o.smallPath), tokenizer: small.tokenizer});
  const out: DecodeResult[] = [];
  try {
    for (const [i, text] of o.prompts.entries()) {
      await small.reset();
      const large = backend.createModel();
      out.push(
        await decode({
          prompt: encodePrompt(small.tokenizer, text),
          small,
          large,
          tokenizer: small.tokenizer,
          router: createRouter(o.router),
          threshold: o.threshold,
          maxTokens: o.maxTokens,
          stop: {eos: false},
          key: String(i),
        }),
      );
      await large.dispose();
    }
  } finally {
    backend.dispose();
  }
  return out;
}
