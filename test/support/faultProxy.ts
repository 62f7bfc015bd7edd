import http from "node:http";
import type {AddressInfo, Socket} from "node:net";

/**
 * What the proxy does to one request instead of forwarding it:
 *   status500  answers HTTP 500          garbage    answers 200 with a body that is not JSON
 *   shape      answers 200 with JSON of the wrong shape
 *   hang       never answers             drop       closes the connection at once
 */
export type Fault = "status500" | "garbage" | "shape" | "hang" | "drop";

export interface FaultProxy {
  url: string;
  /** POST requests seen so far (faulted ones included). */
  posts: number;
  faults: Fault[];
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of a real server that injects faults into chosen POST requests
 * (`plan(n)` for the n-th POST, from 1) and forwards everything else untouched, so the model
 * behind it still answers every request that gets through.
 */
export async function startFaultProxy(target: string, plan: (n: number) => Fault | undefined): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const state: FaultProxy = {url: "", posts: 0, faults: [], close: async () => {}};
  const server = http.createServer((req, res) => {
    const fault = req.method === "POST" ? plan(++state.posts) : undefined;
    if (fault) {
      state.faults.push(fault);
      req.resume();
      if (fault === "status500") res.writeHead(500, {"content-type": "application/json"}).end('{"error":{"code":"internal","message":"injected"}}');
      else if (fault === "garbage") res.writeHead(200, {"content-type": "application/json"}).end("<html>502 Bad Gateway</html>");
      else if (fault === "shape") res.writeHead(200, {"content-type": "application/json"}).end('{"hello":"world"}');
      else if (fault === "drop") req.socket.destroy();
      return; // hang: never answer
    }
    const upstream = http.request(new URL(req.url ?? "/", target), {method: req.method, headers: req.headers}, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((ok) => server.close(() => ok()));
  };
  return state;
}
