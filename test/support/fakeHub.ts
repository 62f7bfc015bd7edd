import {createHash} from "node:crypto";
import {createServer, type IncomingMessage, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";

/**
 * A local HTTP server that answers like the Hugging Face Hub for one dataset or model repo: the routes
 * @huggingface/hub calls to resolve a revision (`/api/datasets/R/revision/REV`), list a tree
 * (`/api/datasets/R/tree/COMMIT/PATH`), describe paths (`POST /api/datasets/R/paths-info/COMMIT`)
 * and download a file (`/datasets/R/resolve/COMMIT/PATH`, with the Range probe). Files are
 * served as LFS files (etag = sha256), as the Hub serves parquet.
 */
export interface FakeHub {
  url: string;
  /** Every request as "METHOD path?query". */
  requests: string[];
  /** Points `branch` at a new commit holding the same files. */
  setCommit(branch: string, commit: string): void;
  close(): Promise<void>;
}

export interface FakeRepo {
  repo: string;
  /** Branch name (e.g. "refs/convert/parquet") → 40-hex commit. */
  branches: Record<string, string>;
  /** Path in the repo → content. */
  files: Record<string, Uint8Array>;
  /** "dataset" (default) or "model": models live at /api/models/R and /R/resolve. */
  type?: "dataset" | "model";
  /** Path → bytes served instead of `files[path]`, whose metadata (size, sha256) the Hub still reports: a download damaged on the way. */
  corrupt?: Record<string, Uint8Array>;
}

export const commitId = (seed: string) => createHash("sha1").update(seed).digest("hex");

export async function startFakeHub(repo: FakeRepo): Promise<FakeHub> {
  const requests: string[] = [];
  const commits = new Set(Object.values(repo.branches));
  const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
  const gitOid = (b: Uint8Array) => createHash("sha1").update(`blob ${b.length}\0`).update(b).digest("hex");
  const entry = (path: string, commit: string) => {
    const data = repo.files[path]!;
    return {type: "file", path, oid: gitOid(data), size: data.length, lfs: {oid: sha256(data), size: data.length, pointerSize: 134}, lastCommit: {id: commit, title: "convert", date: "2024-01-01T00:00:00.000Z"}};
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {"Content-Type": "application/json"});
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse) => {
    res.writeHead(404, {"Content-Type": "application/json", "X-Error-Code": "EntryNotFound"});
    res.end(JSON.stringify({error: "Entry not found"}));
  };
  const model = repo.type === "model";
  const base = `/api/${model ? "models" : "datasets"}/${repo.repo}`;
  // Branch names resolve to their commit wherever a revision is accepted (as on the Hub).
  const commitOf = (revision: string) => repo.branches[revision] ?? (commits.has(revision) ? revision : undefined);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, "http://x");
    const path = url.pathname;
    requests.push(`${req.method} ${path}${url.search}`);
    if (req.method === "GET" && path.startsWith(`${base}/revision/`)) {
      const revision = decodeURIComponent(path.slice(`${base}/revision/`.length));
      const sha = repo.branches[revision] ?? (commits.has(revision) ? revision : undefined);
      if (!sha) return json(res, 404, {error: "Revision Not Found"});
      return json(res, 200, {_id: "fake", id: repo.repo, sha, private: false, downloads: 0, likes: 0, gated: false, lastModified: "2024-01-01T00:00:00.000Z"});
    }
    if (req.method === "GET" && path.startsWith(`${base}/tree/`)) {
      const [commit, ...rest] = path.slice(`${base}/tree/`.length).split("/");
      if (!commits.has(commit!)) return json(res, 404, {error: "Revision Not Found"});
      const prefix = rest.join("/");
      const entries = Object.keys(repo.files).filter((p) => p.startsWith(`${prefix}/`)).map((p) => entry(p, commit!));
      return json(res, 200, entries);
    }
    if (req.method === "POST" && path.startsWith(`${base}/paths-info/`)) {
      const commit = commitOf(decodeURIComponent(path.slice(`${base}/paths-info/`.length)));
      let body = "";
      for await (const chunk of req) body += chunk;
      const {paths} = JSON.parse(body) as {paths: string[]};
      if (!commit) return json(res, 404, {error: "Revision Not Found"});
      return json(res, 200, paths.filter((p) => repo.files[p]).map((p) => entry(p, commit)));
    }
    const resolve = `${model ? "" : "/datasets"}/${repo.repo}/resolve/`;
    if (req.method === "GET" && path.startsWith(resolve)) {
      const [commit, ...rest] = path.slice(resolve.length).split("/");
      const described = repo.files[rest.join("/")];
      if (!commitOf(decodeURIComponent(commit!)) || !described) return notFound(res);
      const data = repo.corrupt?.[rest.join("/")] ?? described;
      const headers = {"Content-Type": "application/octet-stream", ETag: `"${sha256(described)}"`, "X-Linked-ETag": `"${sha256(described)}"`, "X-Linked-Size": String(described.length)};
      if (req.headers.range === "bytes=0-0") {
        res.writeHead(206, {...headers, "Content-Range": `bytes 0-0/${data.length}`, "Content-Length": "1"});
        return void res.end(Buffer.from(data.subarray(0, 1)));
      }
      res.writeHead(200, {...headers, "Content-Length": String(data.length)});
      return void res.end(Buffer.from(data));
    }
    notFound(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setCommit(branch, commit) {
      repo.branches[branch] = commit;
      commits.add(commit);
    },
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((e) => (e ? fail(e) : done()));
      }),
  };
}
