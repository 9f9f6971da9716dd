/** InfluxQL queries over the 1.x /query endpoint (InfluxDB 1.8: database/retention policy from the bucket). */
export async function influxRows(influxUrl: string, bucket: string, query: string): Promise<Record<string, unknown>[]> {
  const [db, rp] = bucket.split('/');
  const params = new URLSearchParams({ db: db ?? 'fleet', q: query, epoch: 'ms' });
  if (rp) params.set('rp', rp);
  const response = await fetch(`${influxUrl}/query?${params}`);
  if (!response.ok) throw new Error(`InfluxDB answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] };
  return (body.results[0]?.series ?? []).flatMap((series) =>
    series.values.map((row) => Object.fromEntries(series.columns.map((column, index) => [column, row[index]]))),
  );
}
