/**
 * Bytes on the wire per routed token, for 100-token generations, under the three protocols,
 * measured against real servers on loopback:
 *   session     tlr serve's incremental sessions (only the ids the server has not seen)
 *   ids         llama-server's /completion, the whole transcript as ids (its prefix cache saves compute, not bytes)
 *   paper-text  llama-server's /v1/completions with the whole decoded text (the paper's demo)
 * Two workloads: the toy pair on its arithmetic questions (short prompts, a character vocabulary),
 * and the tiny stories pair on CommonsenseQA questions in CITER's prompt (the paper's prompt
 * length; the models are weak, but bytes depend only on lengths and the vocabulary). The seeded
 * random router routes 7% (the paper's regime) and 20% of tokens at the same positions under every
 * protocol; EOS is ignored so every generation has exactly 100 tokens.
 *
 *   TLR_SHARED=../shared npx tsx bench/upload.ts [questions=20]
 */
import {LocalModel, type DecodeResult, type RemoteProtocol} from "../src/index.ts";
import {median, record} from "./lib.ts";
import {csqaPromptTexts, remotePass, startServers, TINY_LARGE, TINY_SMALL, TOY_LARGE, TOY_SMALL} from "./remote-lib.ts";
import {toyPrompts} from "../test/support/toy.ts";

const QUESTIONS = Number(process.argv[2] ?? 20);
const MAX_TOKENS = 100;
const FRACTIONS = [0.07, 0.2];

interface Row {
  workload: string;
  protocol: string;
  fraction: number;
  threshold: number;
  routed: number;
  /** Mean per routed token over whole generations (the prompt's upload included). */
  bodyUpPerRouted: number;
  wireUpPerRouted: number;
  bodyDownPerRouted: number;
  wireDownPerRouted: number;
  /** The request of a token routed late in the generation (step ≥ 90): the marginal cost "at 100 tokens". */
  lateBodyUpMedian: number;
  lateWireUpMedian: number;
  sameTokensAsSession: boolean;
}

function summarize(workload: string, protocol: string, fraction: number, threshold: number, runs: DecodeResult[], reference?: DecodeResult[]): Row {
  let routed = 0, bodyUp = 0, wireUp = 0, bodyDown = 0, wireDown = 0;
  const lateBody: number[] = [], lateWire: number[] = [];
  for (const r of runs) {
    for (const x of r.records) {
      if (!x.wire) continue;
      routed++;
      bodyUp += x.wire.bodyBytesUp;
      wireUp += x.wire.bytesUp;
      bodyDown += x.wire.bodyBytesDown;
      wireDown += x.wire.bytesDown;
      if (x.step >= 90) {
        lateBody.push(x.wire.bodyBytesUp);
        lateWire.push(x.wire.bytesUp);
      }
    }
  }
  return {
    workload,
    protocol,
    fraction,
    threshold,
    routed,
    bodyUpPerRouted: bodyUp / routed,
    wireUpPerRouted: wireUp / routed,
    bodyDownPerRouted: bodyDown / routed,
    wireDownPerRouted: wireDown / routed,
    lateBodyUpMedian: median(lateBody),
    lateWireUpMedian: median(lateWire),
    sameTokensAsSession: reference ? runs.every((r, i) => JSON.stringify(r.generated) === JSON.stringify(reference[i]!.generated)) : true,
  };
}

const WORKLOADS = [
  {name: "toy-arith", small: TOY_SMALL, large: TOY_LARGE, alias: "toy-arith-large", prompts: toyPrompts(QUESTIONS)},
  {name: "csqa-tiny", small: TINY_SMALL, large: TINY_LARGE, alias: "stories260K", prompts: csqaPromptTexts(QUESTIONS)},
];
const rows: Row[] = [];
for (const w of WORKLOADS) {
  const small = await LocalModel.load({path: w.small, threads: 1, gpu: false});
  const servers = await startServers(w.large, w.alias);
  try {
    for (const fraction of FRACTIONS) {
      const threshold = fraction;
      const pass = (url: string, protocol: RemoteProtocol) =>
        remotePass(small, {url, smallPath: w.small, protocol, prompts: w.prompts, router: {kind: "random", seed: 1}, threshold, maxTokens: MAX_TOKENS});
      const session = await pass(servers.tlr.url, "session");
      rows.push(summarize(w.name, "session", fraction, threshold, session));
      rows.push(summarize(w.name, "ids", fraction, threshold, await pass(servers.llama.url, "llama"), session));
      rows.push(summarize(w.name, "paper-text", fraction, threshold, await pass(servers.llama.url, "openai-text"), session));
    }
  } finally {
    await servers.stop();
    await small.dispose();
  }
}

const f = (x: number) => x.toFixed(0);
for (const r of rows) {
  const paper = rows.find((x) => x.workload === r.workload && x.fraction === r.fraction && x.protocol === "paper-text")!;
  console.log(
    `${r.workload} ${(100 * r.fraction).toFixed(0)}% ${r.protocol.padEnd(10)} routed ${r.routed}: up/routed body ${f(r.bodyUpPerRouted)} B (paper ÷ ${(paper.bodyUpPerRouted / r.bodyUpPerRouted).toFixed(1)}), ` +
      `wire ${f(r.wireUpPerRouted)} B (÷ ${(paper.wireUpPerRouted / r.wireUpPerRouted).toFixed(1)}); at step ≥ 90 body ${f(r.lateBodyUpMedian)} B (÷ ${(paper.lateBodyUpMedian / r.lateBodyUpMedian).toFixed(1)}), ` +
      `wire ${f(r.lateWireUpMedian)} B; down/routed body ${f(r.bodyDownPerRouted)} wire ${f(r.wireDownPerRouted)} B; same tokens ${r.sameTokensAsSession}`,
  );
}
record("upload", `TLR_SHARED=../shared npx tsx bench/upload.ts ${QUESTIONS}`, {questions: QUESTIONS, maxTokens: MAX_TOKENS, rows});
