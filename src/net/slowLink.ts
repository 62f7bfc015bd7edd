import net from "node:net";
import {TlrError} from "../util/errors.ts";

export interface SlowLinkOptions {
  /** Where connections go (a tlr serve, llama-server, …). */
  target: {host: string; port: number};
  /** Default 127.0.0.1; port 0 (default) picks a free one. */
  host?: string;
  port?: number;
  /** Round-trip time: each direction delays every byte by half of it. */
  rttMs: number;
  /** Bandwidth device → server in Mbit/s (a token bucket shared by all connections). Default: unlimited. */
  upMbps?: number;
  /** Bandwidth server → device in Mbit/s. Default: unlimited. */
  downMbps?: number;
}

export interface SlowLink {
  url: string;
  host: string;
  port: number;
  /** Bytes carried each way so far. */
  stats(): {connections: number; bytesUp: number; bytesDown: number};
  close(): Promise<void>;
}

/**
 * A delaying, rate-limiting TCP proxy: what a slow network between the device and the server
 * does to real traffic, on loopback. Each direction is a link that sends one chunk at a time at
 * its bandwidth (shared by every connection, as one access link is) and delivers each chunk
 * RTT/2 after it was sent, in order. Written on node:net because these machines cannot run
 * `tc netem` (no root, no sch_netem) and no maintained npm package does exactly this; where
 * netem exists, `tc qdisc add dev lo root netem delay <RTT/2>ms rate <Mbps>mbit` shapes loopback
 * the same way (README, "Slow link"). Timers are milliseconds: accurate to ~1 ms per direction.
 */
export async function startSlowLink(options: SlowLinkOptions): Promise<SlowLink> {
  const {target, rttMs} = options;
  if (!(rttMs >= 0)) throw new TlrError(`slow link: rtt must be ≥ 0 ms, got ${rttMs}`);
  for (const [name, v] of [["up", options.upMbps], ["down", options.downMbps]] as const) {
    if (v !== undefined && !(v > 0)) throw new TlrError(`slow link: ${name} bandwidth must be > 0 Mbit/s, got ${v}`);
  }
  const up = new Direction(rttMs / 2, options.upMbps);
  const down = new Direction(rttMs / 2, options.downMbps);
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on("close", () => sockets.delete(s));
    }
    relay(client, upstream, up);
    relay(upstream, client, down);
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(new TlrError(`slow link: cannot listen on ${host}:${options.port ?? 0}: ${e.message}`)));
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    host,
    port,
    stats: () => ({connections, bytesUp: up.bytes, bytesDown: down.bytes}),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One direction of the link: a sender that is busy while it transmits, then a fixed delay. */
class Direction {
  private free = 0;
  bytes = 0;

  constructor(
    private readonly delayMs: number,
    private readonly mbps: number | undefined,
  ) {}

  /** When a chunk of `n` bytes handed over now reaches the far end (performance.now() time). */
  arrival(n: number): number {
    const now = performance.now();
    const start = Math.max(now, this.free);
    this.free = start + (this.mbps ? (n * 8) / (this.mbps * 1000) : 0);
    this.bytes += n;
    return this.free + this.delayMs;
  }
}

/** Carries `from`'s bytes to `to` through one direction of the link, in order; an end or a close follows the bytes before it. */
function relay(from: net.Socket, to: net.Socket, link: Direction): void {
  // One FIFO and one timer per direction of a connection: Node's timers of different delays need not fire in creation order.
  const queue: {when: number; run: () => void}[] = [];
  let timer: NodeJS.Timeout | undefined;
  const pump = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.when <= now + 0.5) queue.shift()!.run();
    if (queue.length > 0) timer = setTimeout(pump, Math.max(0, queue[0]!.when - performance.now()));
  };
  const at = (when: number, run: () => void) => {
    queue.push({when: Math.max(when, queue.at(-1)?.when ?? 0), run});
    if (!timer) timer = setTimeout(pump, Math.max(0, queue[0]!.when - performance.now()));
  };
  from.on("data", (chunk: Buffer) => at(link.arrival(chunk.length), () => to.destroyed || to.write(chunk)));
  from.on("end", () => at(performance.now(), () => to.destroyed || to.end()));
  from.on("error", () => to.destroy());
  from.on("close", () => at(performance.now(), () => to.destroy()));
}
