/**
 * Loopback overhead of a remote call over the large model's own compute: for every routed token,
 * the real HTTP time of its call (client request to parsed reply) minus the compute time the
 * server reports for it (tlr serve's Server-Timing, llama-server's timings). The toy pair with
 * every token routed (always-large), each question from a clean state; REPS passes per server,
 * the median of the per-pass medians is reported.
 *
 *   TLR_SHARED=../shared npx tsx bench/loopback.ts [questions=10] [reps=3]
 */
import {LocalModel, type DecodeResult, type RemoteProtocol} from "../src/index.ts";
import {median, record} from "./lib.ts";
import {remotePass, startServers, TOY_LARGE, TOY_SMALL} from "./remote-lib.ts";
import {toyPrompts} from "../test/support/toy.ts";

const QUESTIONS = Number(process.argv[2] ?? 10);
const REPS = Number(process.argv[3] ?? 3);

function perCall(runs: DecodeResult[]) {
  const overhead: number[] = [], compute: number[] = [], http: number[] = [];
  for (const r of runs) {
    for (const x of r.records) {
      if (!x.wire) continue;
      overhead.push(x.wire.ms - x.largeMs);
      compute.push(x.largeMs);
      http.push(x.wire.ms);
    }
  }
  return {calls: overhead.length, overheadMs: median(overhead), computeMs: median(compute), httpMs: median(http), overheadP90Ms: overhead.sort((a, b) => a - b)[Math.floor(0.9 * overhead.length)]!};
}

const prompts = toyPrompts(QUESTIONS);
const small = await LocalModel.load({path: TOY_SMALL, threads: 1, gpu: false});
const servers = await startServers(TOY_LARGE, "toy-arith-large");
const targets: [string, string, RemoteProtocol][] = [
  ["tlr serve (session)", servers.tlr.url, "session"],
  ["llama-server (/completion)", servers.llama.url, "llama"],
];
const rows = [];
try {
  for (const [name, url, protocol] of targets) {
    const passes = [];
    for (let rep = 0; rep < REPS; rep++) {
      passes.push(perCall(await remotePass(small, {url, smallPath: TOY_SMALL, protocol, prompts, router: {kind: "always-large"}, threshold: 0, maxTokens: 100})));
    }
    const row = {
      server: name,
      calls: passes[0]!.calls,
      overheadMs: median(passes.map((p) => p.overheadMs)),
      overheadP90Ms: median(passes.map((p) => p.overheadP90Ms)),
      computeMs: median(passes.map((p) => p.computeMs)),
      httpMs: median(passes.map((p) => p.httpMs)),
      passes,
    };
    rows.push(row);
    console.log(`${name.padEnd(28)} ${row.calls} calls/pass: overhead median ${row.overheadMs.toFixed(3)} ms (p90 ${row.overheadP90Ms.toFixed(3)}), compute ${row.computeMs.toFixed(3)} ms, HTTP ${row.httpMs.toFixed(3)} ms; per pass ${passes.map((p) => p.overheadMs.toFixed(3)).join(", ")}`);
  }
} finally {
  await servers.stop();
  await small.dispose();
}
record("loopback", `TLR_SHARED=../shared npx tsx bench/loopback.ts ${QUESTIONS} ${REPS}`, {questions: QUESTIONS, reps: REPS, rows});
