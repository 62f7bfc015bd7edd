/**
 * What a hidden-state router costs per step on the toy pair: the small model's prefill and
 * single-token step with the internal embeddings path on and off (alternating, same prompt), and
 * the router's scoring time for the JavaScript MLP and logistic regression and the ONNX export
 * of the same MLP (onnxruntime-node, one thread), beside max-probability.
 *
 *   npx tsx bench/learned-router.ts [reps=7] [steps=100]
 */
import {createRouter, encodePrompt, loadRouter, LocalModel, type Prediction, type Router} from "../src/index.ts";
import {median, record, repoRoot} from "./lib.ts";

const REPS = Number(process.argv[2] ?? 7);
const STEPS = Number(process.argv[3] ?? 100);
const small = `${repoRoot}/models/toy-arith/toy-arith-small.gguf`;
const PROMPT = "Question: What is 453 - 99?\nChoices:\nA. 354\nB. 344\nC. 254\nD. 464\nE. 353\nAnswer:";

const models = {off: await LocalModel.load({path: small, gpu: false}), on: await LocalModel.load({path: small, gpu: false, hidden: true})};
const prompt = encodePrompt(models.off.tokenizer, PROMPT);
const timing = {off: {prefill: [] as number[], step: [] as number[]}, on: {prefill: [] as number[], step: [] as number[]}};
const predictions: Prediction[] = [];
for (let rep = 0; rep <= REPS; rep++) {
  for (const mode of ["off", "on"] as const) {
    const m = models[mode];
    await m.reset();
    const transcript = [...prompt];
    const t0 = performance.now();
    let p = (await m.next(transcript)).prediction;
    const t1 = performance.now();
    for (let i = 0; i < STEPS; i++) {
      transcript.push(p.token);
      p = (await m.next(transcript)).prediction;
      if (mode === "on" && rep === 0) predictions.push(p);
    }
    const t2 = performance.now();
    if (rep > 0) {
      timing[mode].prefill.push(t1 - t0);
      timing[mode].step.push((t2 - t1) / STEPS);
    }
  }
}
await models.off.dispose();
await models.on.dispose();

const routers: Record<string, Router> = {
  "max-prob": createRouter("max-prob"),
  "mlp (JS)": await loadRouter({kind: "mlp", file: `${repoRoot}/routers/toy-arith-mlp.json`}),
  "logreg (JS)": await loadRouter({kind: "logreg", file: `${repoRoot}/routers/toy-arith-logreg.json`}),
  "onnx (onnxruntime-node)": await loadRouter({kind: "onnx", file: `${repoRoot}/routers/toy-arith-mlp.onnx.json`}),
};
const scoring: Record<string, number> = {};
for (const [name, router] of Object.entries(routers)) {
  const times: number[] = [];
  for (let rep = 0; rep <= REPS; rep++) {
    const t0 = performance.now();
    for (const [step, small] of predictions.entries()) await router.score({step, key: "q", small});
    if (rep > 0) times.push(((performance.now() - t0) / predictions.length) * 1000);
  }
  scoring[name] = median(times);
}

const figures = {
  promptTokens: prompt.length,
  steps: STEPS,
  smallModel: {
    prefillMs: {off: median(timing.off.prefill), on: median(timing.on.prefill)},
    stepMs: {off: median(timing.off.step), on: median(timing.on.step)},
  },
  scoringMicroseconds: scoring,
};
console.log(JSON.stringify(figures, null, 2));
record("learned-router", `npx tsx bench/learned-router.ts ${REPS} ${STEPS}`, figures);
