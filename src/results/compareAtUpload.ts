import type {SummaryRow} from "./schema.ts";

export interface UploadPoint {
  threshold: number;
  target: number | null;
  uploadFraction: number;
  accuracy: number;
}

export interface RouterAtUpload {
  router: string;
  /** Accuracy on the router's accuracy-vs-upload curve at each fraction (null outside the fractions it reached). */
  accuracy: (number | null)[];
  /** The measured points the curve runs through, by upload fraction (small-only at 0 first). */
  points: UploadPoint[];
}

/**
 * Routers compared at equal upload fractions. Each router's runs (one per threshold, calibrated or
 * fixed) are points (upload fraction, accuracy) on one dataset × pair; with the small model alone
 * as the point at 0 (every router at τ = 0 is that run), the curve through them is read by linear
 * interpolation between the two points around each fraction. Points are never extrapolated.
 */
export function compareAtUpload(summary: readonly SummaryRow[], fractions: readonly number[], routers?: readonly string[]): RouterAtUpload[] {
  const smallOnly = summary.find((s) => s.routerRole === "baseline-small");
  const names = routers ?? [...new Set(summary.filter((s) => s.routerRole === "router").map((s) => s.router))];
  return names.map((router) => {
    const points: UploadPoint[] = summary
      .filter((s) => s.router === router)
      .map((s) => ({threshold: s.threshold, target: s.target, uploadFraction: s.uploadFraction, accuracy: s.accuracy}))
      .sort((a, b) => a.uploadFraction - b.uploadFraction || a.threshold - b.threshold);
    if (smallOnly) points.unshift({threshold: Number.NEGATIVE_INFINITY, target: null, uploadFraction: 0, accuracy: smallOnly.accuracy});
    return {router, points, accuracy: fractions.map((f) => interpolate(points, f))};
  });
}

function interpolate(points: readonly UploadPoint[], f: number): number | null {
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    if (a.uploadFraction <= f && f <= b.uploadFraction) {
      if (b.uploadFraction === a.uploadFraction) return (a.accuracy + b.accuracy) / 2;
      return a.accuracy + ((f - a.uploadFraction) / (b.uploadFraction - a.uploadFraction)) * (b.accuracy - a.accuracy);
    }
  }
  return null;
}
