import {uniformFromKey} from "../routing/random.ts";

/*
 * The simulated network is the decoder's clock, not part of the wire format: wire/ says how many
 * bytes a routed token costs; this says how long those bytes take (RTT, bandwidth, seeded
 * jitter), which only the decoder's accounting (PathAccount) asks.
 */

/** A simulated link between the device and the large model's server. */
export interface NetworkModel {
  /** Round-trip time per request in ms. Default 170 (the paper's assumed delay). */
  rttMs: number;
  /** Upload bandwidth in Mbit/s. Default 20. */
  upMbps: number;
  /** Download bandwidth in Mbit/s. Default 100. */
  downMbps: number;
  /** Extra delay per request, uniform in [0, jitterMs), drawn from (seed, question key, step). Default 0. */
  jitterMs?: number;
  /** Seed of the jitter. Default 0. */
  seed?: number;
}

export const DEFAULT_NETWORK: NetworkModel = {rttMs: 170, upMbps: 20, downMbps: 100};

/** Time for one request/response: a round trip plus both payloads at the link's bandwidths. */
export function transferMs(net: NetworkModel, bytesUp: number, bytesDown: number): number {
  return net.rttMs + (bytesUp * 8) / (net.upMbps * 1000) + (bytesDown * 8) / (net.downMbps * 1000);
}

/**
 * The seeded jitter of one request (0 without `jitterMs`): deterministic per (seed, key, step),
 * so a run's simulated latency is reproducible and the thresholds of a sweep share it.
 */
export function jitterMs(net: NetworkModel, key: string, step: number): number {
  return net.jitterMs ? net.jitterMs * uniformFromKey(net.seed ?? 0, `network:${key}`, step) : 0;
}
