import { describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger';
import { createShutdown } from '../src/shutdown';

describe('createShutdown', () => {
  it('runs steps once, last registered first, and survives a failing step', async () => {
    const order: string[] = [];
    const shutdown = createShutdown(silentLogger());
    shutdown.add('kafka', () => {
      order.push('kafka');
    });
    shutdown.add('mqtt', () => {
      throw new Error('already closed');
    });
    shutdown.add('http', async () => {
      order.push('http');
    });
    await Promise.all([shutdown.run('test'), shutdown.run('again')]);
    expect(order).toEqual(['http', 'kafka']);
  });

  it('does not wait forever for a hung step', async () => {
    const order: string[] = [];
    const shutdown = createShutdown(silentLogger(), 20);
    shutdown.add('after', () => {
      order.push('after');
    });
    shutdown.add('hung', () => new Promise<void>(() => {}));
    await shutdown.run('test');
    expect(order).toEqual(['after']);
  });
});
