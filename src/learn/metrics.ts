/**
 * How well a score separates tokens the small model gets right (label 1, high score wanted)
 * from those that need the large model (label 0): the area under the ROC curve, and the
 * precision and recall of routing (score < τ) the lowest-scoring fraction of tokens.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({length: scores.length}, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  // Average ranks over ties (Mann–Whitney U).
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]!] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = idx.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface RoutingQuality {
  /** Fraction of tokens routed (the lowest scores). */
  routed: number;
  /** The threshold that routes them: score < τ. */
  threshold: number;
  /** Of the routed tokens, the fraction that need the large model (label 0). */
  precision: number;
  /** Of the tokens that need the large model, the fraction routed. */
  recall: number;
}

/** Precision and recall of routing each fraction of the tokens, lowest scores first (ties all go or all stay). */
export function routingQuality(scores: ArrayLike<number>, labels: ArrayLike<number>, fractions: readonly number[]): RoutingQuality[] {
  const sorted = Array.from(scores).sort((a, b) => a - b);
  let needy = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 0) needy++;
  return fractions.map((f) => {
    const k = Math.min(sorted.length - 1, Math.ceil(f * sorted.length));
    const threshold = sorted[k]!;
    let routed = 0;
    let hits = 0;
    for (let i = 0; i < scores.length; i++) {
      if (scores[i]! < threshold) {
        routed++;
        if (labels[i] === 0) hits++;
      }
    }
    return {routed: routed / Math.max(1, scores.length), threshold, precision: routed ? hits / routed : Number.NaN, recall: needy ? hits / needy : Number.NaN};
  });
}
