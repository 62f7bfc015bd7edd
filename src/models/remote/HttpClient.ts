import http, {type IncomingHttpHeaders} from "node:http";
import https from "node:https";
import {errorMessage} from "../../util/errors.ts";
import {RemoteError, type RemoteErrorKind} from "./RemoteError.ts";

export interface HttpClientOptions {
  /** Sent as `Authorization: Bearer <apiKey>` (tlr serve's --token, llama-server's and vLLM's --api-key). */
  apiKey?: string;
  /** Time limit of one request, connection included. Default 30 000 ms. */
  timeoutMs?: number;
}

/** One HTTP exchange and what it cost. */
export interface HttpExchange {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Bytes written to / read from the socket for this exchange: request line, headers, body. */
  bytesUp: number;
  bytesDown: number;
  bodyBytesUp: number;
  bodyBytesDown: number;
  ms: number;
}

/**
 * A minimal JSON-over-HTTP client on Node's own `http`, with keep-alive connections. It uses
 * `http` rather than `fetch` to count the bytes really sent and received: each exchange owns
 * its socket while it runs, so the socket's byte counters before and after give its exact size.
 * Socket failures become `RemoteError`s with a kind; HTTP statuses are left to the caller.
 */
export class HttpClient {
  readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;

  constructor(url: string | URL, options: HttpClientOptions = {}) {
    this.base = new URL(url);
    if (this.base.protocol !== "http:" && this.base.protocol !== "https:") {
      throw new RemoteError("rejected", this.base.href, `${this.base.href}: a remote model URL must start with http:// or https://`);
    }
    this.transport = this.base.protocol === "https:" ? https : http;
    this.agent = new this.transport.Agent({keepAlive: true, maxSockets: 64});
    this.authorization = options.apiKey ? `Bearer ${options.apiKey}` : undefined;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The full URL of a path on this server (for messages). */
  urlOf(path: string): string {
    return new URL(path.replace(/^\//, ""), this.base.href.endsWith("/") ? this.base : `${this.base.href}/`).href;
  }

  request(method: "GET" | "POST", path: string, body?: string | Buffer, contentType = "application/json"): Promise<HttpExchange> {
    const url = this.urlOf(path);
    // Only the headers the API needs: on the session protocol they outweigh the body.
    const headers: Record<string, string> = {};
    if (body !== undefined) {
      headers["content-type"] = contentType;
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    if (this.authorization) headers.authorization = this.authorization;
    const start = performance.now();
    return new Promise((resolve, reject) => {
      let up0 = 0, down0 = 0;
      const fail = (error: unknown) => reject(toRemoteError(error, url, this.timeoutMs));
      const req = this.transport.request(url, {method, headers, agent: this.agent, signal: AbortSignal.timeout(this.timeoutMs)}, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", fail);
        res.on("end", () => {
          const socket = res.socket ?? req.socket;
          const raw = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: raw.toString("utf8"),
            bytesUp: (socket?.bytesWritten ?? 0) - up0,
            bytesDown: (socket?.bytesRead ?? 0) - down0,
            bodyBytesUp: body === undefined ? 0 : Buffer.byteLength(body),
            bodyBytesDown: raw.length,
            ms: performance.now() - start,
          });
        });
      });
      req.on("socket", (socket) => {
        up0 = socket.bytesWritten;
        down0 = socket.bytesRead;
      });
      req.on("error", fail);
      req.end(body);
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}

function toRemoteError(error: unknown, url: string, timeoutMs: number): RemoteError {
  const code = (error as {code?: string}).code;
  const name = (error as {name?: string}).name;
  let kind: RemoteErrorKind = "network";
  let what = errorMessage(error);
  if (name === "AbortError" || name === "TimeoutError" || code === "ETIMEDOUT" || code === "ABORT_ERR") {
    kind = "timeout";
    what = `no answer within ${timeoutMs} ms`;
  } else if (code === "ECONNREFUSED") {
    kind = "refused";
    what = "connection refused (is the server running?)";
  } else if (code === "ECONNRESET" || code === "EPIPE" || code === "ECONNABORTED") {
    kind = "reset";
    what = "the connection was closed mid-request";
  }
  return new RemoteError(kind, url, `${url}: ${what}`, {cause: error});
}
