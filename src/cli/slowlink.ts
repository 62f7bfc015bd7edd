import {Command} from "commander";
import {startSlowLink} from "../net/slowLink.ts";
import {TlrError} from "../util/errors.ts";
import {parseInteger, parseNumber, type CliIO} from "./io.ts";
import {untilStopped} from "./untilStopped.ts";

/** `tlr slowlink`: a delaying, rate-limiting proxy in front of a server, until Ctrl-C. */
export function slowlinkCommand(io: CliIO): Command {
  return new Command("slowlink")
    .description("a slow network on loopback: a TCP proxy to --target that delays each direction by RTT/2 and limits its bandwidth")
    .requiredOption("--target <host:port>", "where connections go (e.g. a tlr serve)")
    .option("--rtt <ms>", "round-trip time added", parseNumber, 170)
    .option("--up-mbps <n>", "bandwidth device → server (default: unlimited)", parseNumber)
    .option("--down-mbps <n>", "bandwidth server → device (default: unlimited)", parseNumber)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port (0 picks a free one)", parseInteger, 0)
    .action(async (flags: {target: string; rtt: number; upMbps?: number; downMbps?: number; host: string; port: number}) => {
      const m = /^(.+):(\d+)$/.exec(flags.target.replace(/^https?:\/\//, "").replace(/\/$/, ""));
      if (!m) throw new TlrError(`--target must be host:port (or a URL with a port), got "${flags.target}"`);
      const link = await startSlowLink({target: {host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2])}, rttMs: flags.rtt, upMbps: flags.upMbps, downMbps: flags.downMbps, host: flags.host, port: flags.port});
      io.stderr.write(`tlr slowlink: listening on ${link.url} → ${flags.target} (RTT ${flags.rtt} ms, up ${flags.upMbps ?? "∞"} Mbit/s, down ${flags.downMbps ?? "∞"} Mbit/s); Ctrl-C stops it\n`);
      await untilStopped();
      await link.close();
      io.stderr.write("tlr slowlink: stopped\n");
    });
}
