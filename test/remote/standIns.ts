import {randomBytes} from "node:crypto";
import http, {type IncomingMessage, type ServerResponse} from "node:http";
import type {AddressInfo, Socket} from "node:net";
import {LocalModel, type Prediction, type Token} from "../../src/index.ts";

/*
 * Local servers written for the tests that answer exactly as SGLang and vLLM document and
 * implement their endpoints, computing with the real large model (node-llama-cpp, greedy), since
 * neither server can run here. Only what the client and these tests touch is served; everything
 * else answers 404 as FastAPI does. Both evaluate one request at a time on one LocalModel, which
 * (like a server's prefix cache) keeps the prefix it shares with the previous request and
 * evaluates the rest as one batch: a decode through them then evaluates exactly the local run's
 * batches, so its tokens are the local large model's.
 */

export interface StandIn {
  url: string;
  /** Requests seen, by "METHOD /path". */
  requests: string[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, body: unknown) => Promise<{status?: number; body: unknown}> | {status?: number; body: unknown};

async function serve(routes: Record<string, Handler>, model: LocalModel): Promise<StandIn> {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const key = `${req.method} ${path}`;
      requests.push(key);
      const route = routes[key];
      if (!route) return send(res, 404, {detail: "Not Found"}); // FastAPI's answer to an unknown route
      let body: unknown;
      try {
        body = raw === "" ? undefined : JSON.parse(raw);
      } catch {
        return send(res, 400, {object: "error", message: "JSON decode error", type: "Bad Request", param: null, code: 400});
      }
      // One evaluation at a time, in arrival order.
      const run = queue.then(() => route(req, body));
      queue = run.catch(() => undefined);
      run.then((r) => send(res, r.status ?? 200, r.body), (e: unknown) => send(res, 500, {detail: String(e)}));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
      await model.dispose();
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body === "" ? "" : JSON.stringify(body);
  res.writeHead(status, {"content-type": "application/json", "content-length": Buffer.byteLength(text)}).end(text);
}

/** Greedy steps after `prompt` (one `next` per step, `top` log-probabilities each), stopping at an end-of-generation id. */
async function greedy(model: LocalModel, prompt: readonly Token[], maxNew: number, top: number): Promise<{steps: Prediction[]; cached: number; ms: number}> {
  const transcript = [...prompt];
  const steps: Prediction[] = [];
  let cached = -1;
  const start = performance.now();
  while (steps.length < maxNew) {
    const r = await model.next(transcript, {top});
    if (cached < 0) cached = r.fromState ? prompt.length : prompt.length - r.evaluated - r.replayed;
    steps.push(r.prediction as Prediction);
    transcript.push(r.prediction.token);
    if (model.info.eog.includes(r.prediction.token)) break;
  }
  return {steps, cached: Math.max(0, cached), ms: performance.now() - start};
}

const isIds = (x: unknown): x is number[] => Array.isArray(x) && x.length > 0 && x.every((v) => Number.isInteger(v) && v >= 0);

/** The id → logprob of a step's own token (it is in its top list for greedy decoding). */
const ownLogprob = (p: Prediction) => p.top.find((t) => t.id === p.token)?.logprob ?? Math.log(p.maxProb);

/**
 * SGLang 0.5 (the 0.4–0.5 line answers alike), as documented in docs/basic_usage/native_api.ipynb
 * and sampling_params.md, and implemented in python/sglang/srt/entrypoints/http_server.py
 * (/generate, /get_model_info, /get_server_info, /health, /v1/models) and
 * python/sglang/srt/managers/tokenizer_manager.py (`_handle_batch_output` builds `meta_info`;
 * `detokenize_logprob_tokens` makes the [logprob, id, text|null] triples). With
 * `logprob_start_len` -1 (the default) the scheduler starts input logprobs at the last prompt
 * token, so `input_token_logprobs` is that one token with a null logprob. Its OpenAI
 * /v1/completions names tokens by text only (it has no `return_tokens_as_token_ids`).
 */
export async function startSglangStandIn(modelPath: string, options: {served?: string} = {}): Promise<StandIn> {
  const model = await LocalModel.load({path: modelPath, threads: 1, gpu: false, role: "model"});
  const served = options.served ?? modelPath;
  const piece = (id: Token) => model.tokenizer.detokenize([id], undefined, true);
  const generate: Handler = async (_req, body) => {
    const b = (body ?? {}) as Record<string, unknown>;
    const sp = (b.sampling_params ?? {}) as {temperature?: number; max_new_tokens?: number};
    const ids = b.input_ids ?? (typeof b.text === "string" ? model.tokenizer.tokenize(b.text, true) : undefined);
    if (!isIds(ids)) return {status: 400, body: {error: {message: "Either text, input_ids or input_embeds should be provided."}}};
    if ((sp.temperature ?? 1) !== 0) return {status: 400, body: {error: {message: "this stand-in decodes greedily only: send sampling_params.temperature 0"}}};
    if (b.stream === true) return {status: 400, body: {error: {message: "this stand-in does not stream"}}};
    const k = typeof b.top_logprobs_num === "number" ? b.top_logprobs_num : 0;
    const {steps, cached, ms} = await greedy(model, ids, sp.max_new_tokens ?? 128, Math.max(1, k));
    const out = steps.map((p) => p.token);
    const text = b.return_text_in_logprobs === true;
    const triple = (lp: number | null, id: Token) => [lp, id, text ? piece(id) : null];
    const last = out.at(-1)!;
    const meta: Record<string, unknown> = {
      id: randomBytes(16).toString("hex"),
      finish_reason: model.info.eog.includes(last) ? {type: "stop", matched: last} : {type: "length", length: out.length},
      prompt_tokens: ids.length,
      weight_version: "default",
      total_retractions: 0,
    };
    if (b.return_logprob === true) {
      meta.input_token_logprobs = [triple(null, ids.at(-1)!)];
      meta.output_token_logprobs = steps.map((p) => triple(ownLogprob(p), p.token));
      if (k > 0) {
        meta.input_top_logprobs = [null];
        meta.output_top_logprobs = steps.map((p) => p.top.slice(0, k).map((t) => triple(t.logprob, t.id)));
      }
    }
    Object.assign(meta, {completion_tokens: out.length, cached_tokens: cached, e2e_latency: ms / 1000});
    return {body: {text: model.tokenizer.detokenize(out, ids.slice(-8)), output_ids: out, meta_info: meta}};
  };
  const completions: Handler = async (_req, body) => {
    const b = (body ?? {}) as {prompt?: unknown; max_tokens?: number; temperature?: number; logprobs?: number};
    const ids = typeof b.prompt === "string" ? model.tokenizer.tokenize(b.prompt, true) : b.prompt;
    if (!isIds(ids)) return {status: 400, body: {object: "error", message: "prompt must be a string or token ids", type: "Bad Request", param: null, code: 400}};
    const k = b.logprobs ?? 0;
    const {steps} = await greedy(model, ids, b.max_tokens ?? 16, Math.max(1, k));
    const out = steps.map((p) => p.token);
    let offset = 0;
    return {
      body: {
        id: randomBytes(16).toString("hex"),
        object: "text_completion",
        created: Math.floor(Date.now() / 1000),
        model: served,
        choices: [
          {
            index: 0,
            text: model.tokenizer.detokenize(out, ids.slice(-8)),
            logprobs: b.logprobs == null ? null : {
              text_offset: out.map((id) => ((offset += piece(id).length), offset - piece(id).length)),
              token_logprobs: steps.map(ownLogprob),
              tokens: out.map(piece),
              top_logprobs: steps.map((p) => Object.fromEntries(p.top.slice(0, k).map((t) => [piece(t.id), t.logprob]))),
            },
            finish_reason: model.info.eog.includes(out.at(-1)!) ? "stop" : "length",
            matched_stop: null,
          },
        ],
        usage: {prompt_tokens: ids.length, total_tokens: ids.length + out.length, completion_tokens: out.length, prompt_tokens_details: null},
      },
    };
  };
  return serve(
    {
      "GET /health": () => ({body: ""}),
      "GET /get_model_info": () => ({body: {model_path: served, tokenizer_path: served, is_generation: true, preferred_sampling_params: null, weight_version: "default"}}),
      "GET /get_server_info": () => ({body: {model_path: served, tokenizer_path: served, context_length: model.info.contextSize, max_req_input_len: model.info.contextSize - 1, version: "0.5.3"}}),
      "GET /v1/models": () => ({
        body: {object: "list", data: [{id: served, object: "model", created: Math.floor(Date.now() / 1000), owned_by: "sglang", root: served, parent: null, max_model_len: model.info.contextSize}]},
      }),
      "POST /generate": generate,
      "POST /v1/completions": completions,
    },
    model,
  );
}

/**
 * vLLM's OpenAI-compatible server (0.8–0.11 answer alike), as implemented in
 * vllm/entrypoints/openai/serving_completion.py (`_create_completion_logprobs`: with
 * `return_tokens_as_token_ids` every token is named "token_id:N"; top_logprobs holds the sampled
 * token and the top `logprobs` ranks) and protocol.py (CompletionRequest: `prompt` may be token
 * ids, `max_tokens` defaults to 16; CompletionResponse; ModelCard with `owned_by: "vllm"` and
 * `max_model_len`), and api_server.py (/health, /version, /v1/models). `logprobs` above the
 * server's --max-logprobs (default 20) is refused with 400, as vLLM's sampling-params check does.
 */
export async function startVllmStandIn(modelPath: string, options: {served?: string; maxLogprobs?: number} = {}): Promise<StandIn> {
  const model = await LocalModel.load({path: modelPath, threads: 1, gpu: false, role: "model"});
  const served = options.served ?? modelPath;
  const maxLogprobs = options.maxLogprobs ?? 20;
  const bad = (message: string) => ({status: 400, body: {object: "error", message, type: "BadRequestError", param: null, code: 400}});
  const completions: Handler = async (_req, body) => {
    const b = (body ?? {}) as {model?: string; prompt?: unknown; max_tokens?: number; temperature?: number; logprobs?: number | null; return_tokens_as_token_ids?: boolean};
    if (b.model !== undefined && b.model !== served) return {status: 404, body: {object: "error", message: `The model \`${b.model}\` does not exist.`, type: "NotFoundError", param: null, code: 404}};
    const ids = typeof b.prompt === "string" ? model.tokenizer.tokenize(b.prompt, true) : b.prompt;
    if (!isIds(ids)) return bad("prompt must be a string or a list of token ids");
    if ((b.temperature ?? 1) !== 0) return bad("this stand-in decodes greedily only: send temperature 0");
    const k = b.logprobs ?? null;
    if (k !== null && k > maxLogprobs) return bad(`Requested sample logprobs of ${k}, which is greater than max allowed: ${maxLogprobs}`);
    const {steps} = await greedy(model, ids, b.max_tokens ?? 16, Math.max(1, k ?? 0));
    const out = steps.map((p) => p.token);
    const name = (id: Token) => (b.return_tokens_as_token_ids ? `token_id:${id}` : model.tokenizer.detokenize([id], undefined, true));
    const offsets: number[] = [];
    let last = 0;
    for (const id of out) {
      offsets.push(offsets.length === 0 ? 0 : offsets.at(-1)! + last);
      last = name(id).length;
    }
    return {
      body: {
        id: `cmpl-${randomBytes(16).toString("hex")}`,
        object: "text_completion",
        created: Math.floor(Date.now() / 1000),
        model: served,
        choices: [
          {
            index: 0,
            text: model.tokenizer.detokenize(out, ids.slice(-8)),
            logprobs: k === null ? null : {
              text_offset: offsets,
              token_logprobs: steps.map((p) => Math.max(ownLogprob(p), -9999)),
              tokens: out.map(name),
              // The sampled token first, then ranks 1..k (greedy: the sampled token is rank 1, so k entries).
              top_logprobs: steps.map((p) => Object.fromEntries([[name(p.token), ownLogprob(p)], ...p.top.slice(0, k).map((t) => [name(t.id), Math.max(t.logprob, -9999)])])),
            },
            finish_reason: model.info.eog.includes(out.at(-1)!) ? "stop" : "length",
            stop_reason: null,
            prompt_logprobs: null,
          },
        ],
        usage: {prompt_tokens: ids.length, total_tokens: ids.length + out.length, completion_tokens: out.length, prompt_tokens_details: null},
      },
    };
  };
  return serve(
    {
      "GET /health": () => ({body: ""}),
      "GET /version": () => ({body: {version: "0.10.1"}}),
      "GET /v1/models": () => ({
        body: {
          object: "list",
          data: [{id: served, object: "model", created: Math.floor(Date.now() / 1000), owned_by: "vllm", root: served, parent: null, max_model_len: model.info.contextSize, permission: []}],
        },
      }),
      "POST /v1/completions": completions,
    },
    model,
  );
}
