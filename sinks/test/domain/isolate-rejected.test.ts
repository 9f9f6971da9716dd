import { describe, expect, it } from 'vitest';
import { writeIsolatingRejects } from '../../src/domain/isolate-rejected';

class Rejected extends Error {}

function fakeServer(bad: Set<string>) {
  const written = new Set<string>();
  const requests: number[] = [];
  return {
    written,
    requests,
    write: async (lines: readonly string[]) => {
      requests.push(lines.length);
      const rejected = lines.filter((line) => bad.has(line));
      // Like InfluxDB's partial write: the good lines are stored even when the request fails.
      for (const line of lines) if (!bad.has(line)) written.add(line);
      if (rejected.length > 0) throw new Rejected(`partial write: ${rejected.join(';')}`);
    },
  };
}

const lines = Array.from({ length: 1000 }, (_, i) => `m,v=${i} x=1 ${i}`);

describe('writeIsolatingRejects', () => {
  it('writes a clean batch in one request', async () => {
    const server = fakeServer(new Set());
    expect(await writeIsolatingRejects(lines, server.write, (e) => e instanceof Rejected)).toEqual([]);
    expect(server.requests).toEqual([1000]);
  });

  it('finds the bad lines by bisection, writes all others, in O(k log n) requests', async () => {
    const server = fakeServer(new Set([lines[17]!, lines[600]!]));
    const rejected = await writeIsolatingRejects(lines, server.write, (e) => e instanceof Rejected);
    expect(rejected.map((r) => r.index).sort((a, b) => a - b)).toEqual([17, 600]);
    expect(rejected[0]?.error).toBeInstanceOf(Rejected);
    expect(server.written.size).toBe(998);
    expect(server.requests.length).toBeLessThanOrEqual(1 + 2 * 2 * Math.ceil(Math.log2(1000)));
  });

  it('rethrows errors that are not about the lines', async () => {
    const down = async () => {
      throw new Error('ECONNREFUSED');
    };
    await expect(writeIsolatingRejects(lines, down, (e) => e instanceof Rejected)).rejects.toThrow('ECONNREFUSED');
  });
});
