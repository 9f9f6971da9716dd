import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface ThrottleStep {
  status: 429 | 503;
  retryAfterSeconds: number;
}

/**
 * A contract fake for the one fault a real InfluxDB will not produce on demand: it answers the
 * first writes with 429/503 + Retry-After as scripted, then forwards writes to the real server.
 */
export async function startThrottlingInflux(upstream: string, steps: ThrottleStep[]) {
  const writes: { at: number; status: number }[] = [];
  const script = [...steps];
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const isWrite = req.url?.startsWith('/api/v2/write') ?? false;
    const step = isWrite ? script.shift() : undefined;
    if (step) {
      writes.push({ at: Date.now(), status: step.status });
      res.writeHead(step.status, { 'retry-after': String(step.retryAfterSeconds), 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'unavailable', message: 'slow down' }));
      return;
    }
    const response = await fetch(`${upstream}${req.url}`, {
      method: req.method ?? 'GET',
      headers: { 'content-type': req.headers['content-type'] ?? 'text/plain', authorization: req.headers.authorization ?? '' },
      ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
    });
    if (isWrite) writes.push({ at: Date.now(), status: response.status });
    res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await response.arrayBuffer()));
  };
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    writes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
