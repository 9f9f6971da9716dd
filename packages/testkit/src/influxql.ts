/** Runs an InfluxQL query (InfluxDB 1.8 /query, or the v1 compatibility API of 2.x) and returns the rows as objects. */
export async function influxQl(
  influx: { url: string; bucket: string; token: string },
  query: string,
  options: { timeoutMs?: number } = {},
): Promise<Record<string, unknown>[]> {
  const [db, rp] = influx.bucket.split('/');
  const params = new URLSearchParams({ db: db ?? influx.bucket, q: query, epoch: 'ms', ...(rp ? { rp } : {}) });
  const response = await fetch(`${influx.url}/query?${params}`, {
    headers: { authorization: `Token ${influx.token}` },
    ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
  });
  if (!response.ok) throw new Error(`InfluxDB answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as {
    results: { series?: { columns: string[]; values: unknown[][]; tags?: Record<string, string> }[]; error?: string }[];
  };
  const rows: Record<string, unknown>[] = [];
  for (const result of body.results) {
    if (result.error) throw new Error(`InfluxQL error: ${result.error}`);
    for (const series of result.series ?? []) {
      for (const values of series.values) {
        rows.push({ ...series.tags, ...Object.fromEntries(series.columns.map((column, i) => [column, values[i]])) });
      }
    }
  }
  return rows;
}
