import http from "node:http";
import type {AddressInfo} from "node:net";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {HttpClient} from "../../src/models/remote/HttpClient.ts";
import {startSlowLink, type SlowLink} from "../../src/index.ts";

/** A plain HTTP server on loopback: /small answers 10 bytes, /big 200 kB, /echo its request body. */
let origin: http.Server;
let port: number;
beforeAll(async () => {
  origin = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/big") res.end(Buffer.alloc(200_000, 97));
      else if (req.url === "/echo") res.end(Buffer.concat(chunks));
      else res.end("0123456789");
    });
  });
  await new Promise<void>((ok) => origin.listen(0, "127.0.0.1", ok));
  port = (origin.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((ok) => origin.close(() => ok()));
});

async function timed(link: SlowLink, path: string, body?: Buffer) {
  const client = new HttpClient(link.url);
  try {
    const start = performance.now();
    const ex = await client.request(body ? "POST" : "GET", path, body, "application/octet-stream");
    return {ms: performance.now() - start, ex};
  } finally {
    client.close();
  }
}

describe("the slow link", () => {
  it("a request through it takes at least one round trip, and not much more than the same request direct", async () => {
    const link = await startSlowLink({target: {host: "127.0.0.1", port}, rttMs: 60});
    const direct = new HttpClient(`http://127.0.0.1:${port}`);
    try {
      const through: number[] = [];
      const plain: number[] = [];
      for (let i = 0; i < 5; i++) {
        const {ms, ex} = await timed(link, "/small");
        expect(ex.text).toBe("0123456789");
        expect(ms).toBeGreaterThanOrEqual(60);
        through.push(ms);
        const start = performance.now();
        await direct.request("GET", "/small");
        plain.push(performance.now() - start);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]!;
      // One round trip, not two: loopback and timers add a few ms (a few tens on a loaded machine).
      expect(median(through) - median(plain)).toBeLessThan(60 + 50);
    } finally {
      direct.close();
      await link.close();
    }
  });

  it("limits bandwidth each way: 200 kB down at 8 Mbit/s take ≥ 200 ms more; 100 kB up at 4 Mbit/s ≥ 200 ms", async () => {
    const link = await startSlowLink({target: {host: "127.0.0.1", port}, rttMs: 20, upMbps: 4, downMbps: 8});
    try {
      const down = await timed(link, "/big");
      expect(down.ex.bodyBytesDown).toBe(200_000);
      expect(down.ms).toBeGreaterThanOrEqual(20 + 200);
      const up = await timed(link, "/echo", Buffer.alloc(100_000, 98));
      expect(up.ex.bodyBytesDown).toBe(100_000); // in order and whole
      expect(up.ms).toBeGreaterThanOrEqual(20 + 200 + 100);
      expect(link.stats().bytesDown).toBeGreaterThan(300_000);
    } finally {
      await link.close();
    }
  });

  it("refuses a negative RTT or a zero bandwidth in one line", async () => {
    await expect(startSlowLink({target: {host: "127.0.0.1", port}, rttMs: -1})).rejects.toThrow(/^slow link: rtt must be ≥ 0 ms, got -1$/);
    await expect(startSlowLink({target: {host: "127.0.0.1", port}, rttMs: 1, upMbps: 0})).rejects.toThrow(/^slow link: up bandwidth must be > 0 Mbit\/s, got 0$/);
  });
});
