/**
 * Quantiles of a Prometheus histogram read from a /metrics text, interpolated within the bucket as
 * PromQL's histogram_quantile does.
 */
export function histogramQuantile(
  metricsText: string,
  name: string,
  labels: Record<string, string>,
  q: number,
): number | undefined {
  const buckets: { le: number; count: number }[] = [];
  const wanted = Object.entries(labels);
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const labelText = line.slice(line.indexOf('{') + 1, line.indexOf('}'));
    const pairs = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    if (!wanted.every(([k, v]) => pairs[k] === v)) continue;
    const le = pairs['le'] === '+Inf' ? Infinity : Number(pairs['le']);
    buckets.push({ le, count: Number(line.slice(line.lastIndexOf(' ') + 1)) });
  }
  buckets.sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerLe;
      const inBucket = b.count - lowerCount;
      return inBucket === 0 ? b.le : lowerLe + ((b.le - lowerLe) * (rank - lowerCount)) / inBucket;
    }
    lowerLe = b.le;
    lowerCount = b.count;
  }
  return lowerLe;
}
