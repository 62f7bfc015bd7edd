import http, {type IncomingMessage, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import {LocalWeights, type LocalModelOptions} from "../models/LocalModel.ts";
import {vocabularyReply} from "../wire/vocabularyReply.ts";
import type {GpuSetting} from "../models/runtime.ts";
import {readVocabulary} from "../models/vocabulary.ts";
import {TlrError, errorMessage, isTlrError} from "../util/errors.ts";
import {decodeSessionRequest, SESSION_BINARY_TYPE} from "../wire/sessionBinary.ts";
import {authorized, HttpError, parseJson, readBody, sendError, sendJson} from "./httpUtil.ts";
import {completions, listModels} from "./openaiRoutes.ts";
import type {ServerContext} from "./ServerContext.ts";
import {sessionClose, sessionNext, type RouteReply} from "./sessionRoutes.ts";
import {SessionPool} from "./SessionPool.ts";

export interface ServeOptions {
  /** The large model's GGUF file. */
  model: string;
  /** Default 127.0.0.1 (loopback only): expose it deliberately, with a token. */
  host?: string;
  /** Default 8080; 0 picks a free port (see `TlrServer.url`). */
  port?: number;
  /** When set, every request but the health check needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Per-session model options. Defaults as `LocalModel`: threads by model size, training context ≤ 4096, batch ≤ 512. */
  threads?: number;
  contextSize?: number;
  batchSize?: number;
  /** Top log-probabilities per step. Default 10. */
  topK?: number;
  entropy?: LocalModelOptions["entropy"];
  gpu?: GpuSetting;
  /** Most sessions held at once (each is a context); least recently used evicted. Default 16. */
  maxSessions?: number;
  /** Sessions unused this long are freed. Default 600 s. */
  idleSeconds?: number;
  /** Largest request body. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Evaluations at once across sessions. Default 1 (on a CPU one evaluation already uses the cores it was given). */
  parallel?: number;
  /** Most tokens one /v1/completions request may generate. Default 256. */
  maxNewTokens?: number;
}

export interface TlrServer {
  url: string;
  host: string;
  port: number;
  /** Sessions held now and evicted so far. */
  sessions(): {active: number; max: number; evictions: number};
  close(): Promise<void>;
}

export const SERVE_DEFAULTS = {host: "127.0.0.1", port: 8080, topK: 10, maxSessions: 16, idleSeconds: 600, maxBodyBytes: 1 << 20, parallel: 1, maxNewTokens: 256};

/**
 * `tlr serve`: the large model behind HTTP. Each session keeps its KV state, so a client sends
 * only the ids the server has not seen (POST /session/next); OpenAI-compatible
 * POST /v1/completions takes token-id (or text) prompts. GET / is an open health check;
 * GET /info and GET /vocabulary describe the model so clients can check their vocabulary.
 * Every bad request gets a 4xx with `{error: {code, message}}`, and the server stays up.
 */
export async function startServer(options: ServeOptions): Promise<TlrServer> {
  const o: Resolved = {...SERVE_DEFAULTS, ...definedOnly(options), model: options.model};
  for (const [name, v] of [["max sessions", o.maxSessions], ["parallel", o.parallel], ["max body bytes", o.maxBodyBytes], ["top-k", o.topK], ["max new tokens", o.maxNewTokens]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new TlrError(`tlr serve: ${name} must be a positive integer, got ${v}`);
  }
  if (!(o.idleSeconds > 0)) throw new TlrError(`tlr serve: idle seconds must be positive, got ${o.idleSeconds}`);
  // Checked before the model loads; Node would throw a RangeError at listen.
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new TlrError(`tlr serve: port must be an integer from 0 to 65535 (0 picks a free one), got ${o.port}`);
  if (o.host.trim() === "") throw new TlrError("tlr serve: the host is empty: give an address to bind (127.0.0.1 for this machine only)");
  const vocabulary = vocabularyReply(await readVocabulary(options.model, "model"));
  const weights = await LocalWeights.load(options.model, options.gpu ?? "auto", "model");
  const modelOptions = {threads: o.threads, contextSize: o.contextSize, batchSize: o.batchSize, topK: o.topK, entropy: o.entropy, role: "model"};
  let pool: SessionPool | undefined;
  try {
    // One model made up front: it checks the options, and gives the info every session shares.
    const probe = await weights.createModel(modelOptions);
    const info = probe.info;
    const tokenizer = probe.tokenizer;
    await probe.dispose();
    pool = new SessionPool(weights, {maxSessions: o.maxSessions, idleMs: o.idleSeconds * 1000, parallel: o.parallel, model: modelOptions});
    const ctx: ServerContext = {pool, info, tokenizer, vocabulary, topK: o.topK, maxNewTokens: o.maxNewTokens};
    const server = http.createServer((req, res) => void handle(ctx, o, req, res));
    server.keepAliveTimeout = 30_000; // clients keep a connection per session between routed tokens
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e: NodeJS.ErrnoException) =>
        reject(new TlrError(e.code === "EADDRINUSE" ? `tlr serve: port ${o.port} on ${o.host} is in use: pick another with --port` : `tlr serve: cannot listen on ${o.host}:${o.port}: ${e.message}`)),
      );
      server.listen(o.port, o.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const p = pool;
    return {
      url: `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${port}`,
      host: o.host,
      port,
      sessions: () => ({active: p.size, max: o.maxSessions, evictions: p.evictions}),
      close: async () => {
        server.closeIdleConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await p.dispose();
        await weights.dispose();
      },
    };
  } catch (error) {
    await pool?.dispose();
    await weights.dispose();
    throw error;
  }
}

type Resolved = typeof SERVE_DEFAULTS & ServeOptions;

async function handle(ctx: ServerContext, o: Resolved, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const reply = await route(ctx, o, path, req);
    sendJson(res, reply.status ?? 200, reply.body, reply.headers);
  } catch (error) {
    if (error instanceof HttpError) return sendError(res, error);
    // A TlrError from the model (context full, bad id) is the client's to fix; anything else is ours.
    if (isTlrError(error)) return sendError(res, new HttpError(400, "bad-request", error.message));
    process.stderr.write(`tlr serve: internal error on ${req.method} ${req.url}: ${errorMessage(error)}\n`);
    sendError(res, new HttpError(500, "internal", `internal error: ${errorMessage(error)}`));
  }
}

async function route(ctx: ServerContext, o: Resolved, path: string, req: IncomingMessage): Promise<RouteReply> {
  const method = req.method ?? "GET";
  if (path === "/" && method === "GET") return {body: {status: "ok", service: "tlr serve"}};
  if (!authorized(req, o.token)) {
    throw new HttpError(401, "unauthorized", "missing or wrong bearer token: send Authorization: Bearer <token> (tlr serve --token)", {"www-authenticate": "Bearer"});
  }
  const get = (): RouteReply | undefined => {
    if (path === "/info") {
      return {body: {model: ctx.info, topK: ctx.topK, sessions: {active: ctx.pool.size, max: o.maxSessions, evictions: ctx.pool.evictions, idleSeconds: o.idleSeconds}, limits: {maxBodyBytes: o.maxBodyBytes, maxNewTokens: o.maxNewTokens}, memory: {rssBytes: process.memoryUsage.rss()}}};
    }
    if (path === "/vocabulary") return {body: ctx.vocabulary};
    if (path === "/v1/models") return listModels(ctx);
    return undefined;
  };
  const posts: Record<string, (ctx: ServerContext, body: unknown) => RouteReply | Promise<RouteReply>> = {
    "/session/next": sessionNext,
    "/session/close": sessionClose,
    "/v1/completions": completions,
  };
  const post = posts[path];
  if (method === "GET") {
    const reply = get();
    if (reply) return reply;
    if (post) throw new HttpError(405, "method-not-allowed", `${path} takes POST`, {allow: "POST"});
  } else if (method === "POST" && post) {
    const type = mediaType(req);
    const binary = path === "/session/next" && type === SESSION_BINARY_TYPE;
    if (!binary && type !== "application/json") {
      const wanted = path === "/session/next" ? `application/json or ${SESSION_BINARY_TYPE}` : "application/json";
      throw new HttpError(415, "unsupported-media-type", `${path} takes Content-Type: ${wanted}, not ${type || "none"}`);
    }
    const body = await readBody(req, o.maxBodyBytes);
    if (binary) {
      try {
        return post(ctx, decodeSessionRequest(body));
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(400, "bad-request", (error as Error).message);
      }
    }
    return post(ctx, parseJson(body));
  } else if (post || get()) {
    throw new HttpError(405, "method-not-allowed", `${path} does not take ${method}`);
  }
  throw new HttpError(404, "not-found", `no endpoint ${method} ${path}: tlr serve answers GET /, /info, /vocabulary, /v1/models and POST /session/next, /session/close, /v1/completions`);
}

/** The request's media type without parameters (`application/json; charset=utf-8` → `application/json`), lower case. */
function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
