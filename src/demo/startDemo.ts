import http, {type IncomingMessage, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import {z} from "zod";
import {loadDataset, type LoadDatasetOptions} from "../data/loadDataset.ts";
import {subset} from "../data/subset.ts";
import {DEFAULT_NETWORK, type NetworkModel} from "../decoding/networkModel.ts";
import {DEFAULT_POLICY, POLICY_KINDS, policyName} from "../decoding/policy.ts";
import {authorized, HttpError, parseJson, readBody, sendError, sendJson, validate} from "../server/httpUtil.ts";
import {createTask} from "../tasks/createTask.ts";
import {errorMessage, TlrError} from "../util/errors.ts";
import {demoPage} from "./demoPage.ts";
import {demoRouters} from "./demoRouters.ts";
import type {DemoInfo, DemoRequest} from "./demoTypes.ts";
import {openDemoPair, type DemoModelOptions} from "./openDemoPair.ts";
import {streamGeneration, type GenerationContext} from "./streamGeneration.ts";

export interface DemoOptions extends DemoModelOptions {
  /** The pair's name on the page. Default: the two files' names. */
  pairName?: string;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 8090; 0 picks a free port. */
  port?: number;
  /** When set, every request but the page itself needs `Authorization: Bearer <token>` (as tlr serve). */
  token?: string;
  /** Learned routers to offer besides the built-in kinds. */
  routerFiles?: string[];
  /** Questions to pick from: a dataset's split, formatted by its task. */
  dataset?: {name: string; split?: string; task?: string; limit?: number; seed?: number; load?: LoadDatasetOptions};
  /** The page's starting values. Defaults: max-prob at 0.8, 100 tokens, the default network. */
  router?: string;
  threshold?: number;
  maxTokens?: number;
  /** Most tokens a request may ask for. Default 1000. */
  maxTokensLimit?: number;
  network?: NetworkModel;
  onWarning?: (message: string) => void;
}

export interface DemoServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const RequestSchema = z
  .object({
    prompt: z.string().max(100_000).optional(),
    question: z.number().int().min(0).optional(),
    router: z.string(),
    threshold: z.number(),
    policy: z.string().default(policyName(DEFAULT_POLICY)),
    maxTokens: z.number().int().min(1),
    network: z.object({rttMs: z.number().min(0), upMbps: z.number().positive(), downMbps: z.number().positive()}).strict(),
    pace: z.enum(["clock", "compute"]).default("clock"),
  })
  .strict()
  .refine((r) => (r.prompt === undefined) !== (r.question === undefined), {message: "give exactly one of prompt and question"});

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * `tlr demo`: a local web page on a pair, as the paper showed its system. The page (GET /) asks
 * the server for the pair, routers, policies and questions (GET /api/info) and streams one
 * generation at a time (POST /api/generate, server-sent events from `decode({onToken})`); a second
 * request while one streams gets 409. Bound to loopback by default, with tlr serve's bearer
 * token when one is given.
 */
export async function startDemo(options: DemoOptions): Promise<DemoServer> {
  const host = options.host ?? "127.0.0.1";
  const warn = options.onWarning ?? (() => {});
  const routers = await demoRouters(options.routerFiles ?? [], options.small);
  let dataset: (GenerationContext["dataset"] & {info: NonNullable<DemoInfo["dataset"]>}) | null = null;
  if (options.dataset) {
    const d = options.dataset;
    const task = createTask(d.task ? `${d.name}:${d.task}` : d.name);
    const loaded = await loadDataset(d.name, {...d.load, split: d.split});
    const examples = subset(loaded.examples, {limit: d.limit ?? 50, seed: d.seed});
    dataset = {task, examples, info: {name: d.name, split: loaded.split, task: task.name, questions: examples.map((e) => ({id: e.id, prompt: task.prompt(e), gold: e.answer}))}};
  }
  const features = options.features ?? "full";
  if (features === "max-prob" && routers.needs.distribution) throw new TlrError("a router file reads the small model's top-K, margin or entropy, which --features max-prob does not compute: use --features full");
  const pair = await openDemoPair({...options, features, hidden: routers.needs.hidden, routerTopK: routers.needs.topK}, warn);
  const startRouter = routers.list.find((r) => r.id === (options.router ?? "max-prob"));
  if (!startRouter) {
    await pair.dispose();
    throw new TlrError(`unknown router "${options.router}": use one of ${routers.list.map((r) => r.id).join(", ")}`);
  }
  const maxTokensLimit = options.maxTokensLimit ?? 1000;
  const info: DemoInfo = {
    pair: {name: options.pairName ?? `${pair.describe.small} + ${pair.describe.large}`, ...pair.describe},
    routers: routers.list,
    policies: POLICY_KINDS,
    defaults: {router: startRouter.id, threshold: options.threshold ?? startRouter.threshold, policy: policyName(DEFAULT_POLICY), maxTokens: options.maxTokens ?? 100, maxTokensLimit, network: options.network ?? DEFAULT_NETWORK},
    dataset: dataset?.info ?? null,
  };
  const context: GenerationContext = {pair, routers, dataset, features, maxTokensLimit};
  const page = demoPage(info.pair.name);
  /** The generation streaming now: one at a time. */
  let running: Promise<void> | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const method = req.method ?? "GET";
    // A loopback server answers only to loopback names: a web page elsewhere cannot reach it by
    // pointing its own host name at 127.0.0.1 (DNS rebinding).
    const hostname = (req.headers.host ?? "").replace(/:\d+$/, "");
    if (LOOPBACK_NAMES.has(host) && !LOOPBACK_NAMES.has(hostname)) throw new HttpError(403, "forbidden-host", `this demo answers on ${host} only, not ${hostname}`);
    if (path === "/" && method === "GET") {
      res.writeHead(200, {"content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(page), "cache-control": "no-store"});
      res.end(page);
      return;
    }
    if (!authorized(req, options.token)) {
      throw new HttpError(401, "unauthorized", "missing or wrong bearer token: open the URL tlr demo printed (it carries #token=…), or send Authorization: Bearer <token>", {"www-authenticate": "Bearer"});
    }
    if (path === "/api/info" && method === "GET") return sendJson(res, 200, info);
    if (path === "/api/generate" && method === "POST") {
      // JSON only: a cross-site form cannot send it without a CORS preflight, which this server never grants.
      if (!(req.headers["content-type"] ?? "").startsWith("application/json")) throw new HttpError(415, "unsupported-media-type", "send the request as Content-Type: application/json");
      const request = validate(RequestSchema, parseJson(await readBody(req, 256 * 1024))) as DemoRequest;
      if (running) throw new HttpError(409, "busy", "a generation is running: this demo runs one at a time, try again when it ends");
      running = streamGeneration(context, request, res);
      try {
        await running;
      } finally {
        running = undefined;
      }
      return;
    }
    throw new HttpError(404, "not-found", `no endpoint ${method} ${path}: the demo answers GET /, GET /api/info and POST /api/generate`);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendError(res, error);
      process.stderr.write(`tlr demo: internal error on ${req.method} ${req.url}: ${errorMessage(error)}\n`);
      sendError(res, new HttpError(500, "internal", `internal error: ${errorMessage(error)}`));
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e: NodeJS.ErrnoException) =>
        reject(new TlrError(e.code === "EADDRINUSE" ? `tlr demo: port ${options.port} on ${host} is in use: pick another with --port` : `tlr demo: cannot listen on ${host}:${options.port}: ${e.message}`)),
      );
      server.listen(options.port ?? 8090, host, () => resolve());
    });
  } catch (error) {
    await pair.dispose();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    host,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // a streaming client's socket too: its generation stops at its next token
      await running?.catch(() => undefined);
      await closed;
      await pair.dispose();
    },
  };
}
