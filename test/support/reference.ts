import {getLlama, LlamaLogLevel, type LlamaContext, type LlamaModel, type Token as LlamaToken} from "node-llama-cpp";

/*
 * Plain node-llama-cpp, independent of the project's backend: its own runtime, models and
 * contexts, used as the reference the project's decoder must match.
 */
const loaded = new Map<string, Promise<{model: LlamaModel; context: LlamaContext}>>();

function open(modelPath: string) {
  let entry = loaded.get(modelPath);
  if (!entry) {
    entry = (async () => {
      const llama = await getLlama({gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.error});
      const model = await llama.loadModel({modelPath});
      return {model, context: await model.createContext({contextSize: 512, threads: 1})};
    })();
    loaded.set(modelPath, entry);
  }
  return entry;
}

export async function disposeReferences(): Promise<void> {
  for (const entry of loaded.values()) await (await entry).model.dispose();
  loaded.clear();
}

/**
 * A plain greedy loop through the generator API `sequence.evaluate()` at temperature 0 (not the
 * `controlledEvaluate` path the project uses). Returns the generated ids, EOS included.
 */
export async function referenceGreedy(modelPath: string, prompt: readonly number[], maxTokens: number): Promise<number[]> {
  const {model, context} = await open(modelPath);
  const seq = context.getSequence();
  try {
    const out: number[] = [];
    for await (const token of seq.evaluate([...prompt] as LlamaToken[], {temperature: 0})) {
      out.push(token);
      if (token === model.tokens.eos || out.length >= maxTokens) break;
    }
    return out;
  } finally {
    seq.dispose();
  }
}

/** The greedy next token after each prefix, each evaluated from scratch on a cleared sequence. */
export async function freshNextTokens(modelPath: string, prefixes: readonly (readonly number[])[]): Promise<number[]> {
  const {context} = await open(modelPath);
  const seq = context.getSequence();
  try {
    const out: number[] = [];
    for (const prefix of prefixes) {
      await seq.clearHistory();
      const items = prefix.map((t, i) => (i === prefix.length - 1 ? [t, {generateNext: {token: true}}] : t));
      const r = await seq.controlledEvaluate(items as never);
      out.push(r.at(-1)!.next.token!);
    }
    return out;
  } finally {
    seq.dispose();
  }
}
