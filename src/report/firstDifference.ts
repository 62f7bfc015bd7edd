/**
 * Where two transcripts part: the first index whose token ids differ; where one transcript is
 * a prefix of the other, the index of the first token only the longer has; -1 when identical.
 */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
