/** Sums a Prometheus metric (optionally only the series whose labels contain `labels`) from a /metrics endpoint. */
export async function metricValue(opsPort: number, name: string, labels = ''): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${opsPort}/metrics`);
  const text = await response.text();
  let total = 0;
  for (const line of text.split('\n')) {
    const series = line.slice(0, line.lastIndexOf(' '));
    if (!(series === name || series.startsWith(`${name}{`)) || !series.includes(labels)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
