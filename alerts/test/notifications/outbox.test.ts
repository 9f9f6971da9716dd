import { AppError, silentLogger } from '@fleet/runtime';
import { describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../../src/adapters/smtp-mailer';
import type { NotificationRecord } from '../../src/notifications/notification-record';
import { Outbox } from '../../src/notifications/outbox';
import { pendingEmail } from '../support/records';

const pending = (key: string) => pendingEmail({ key, vehicleId: 'v1', ownerId: 'o1', type: 'OVERSPEED', ts: 1, cooldownMs: 1 });

function setup(results: (Error | null)[], options: { concurrency?: number; sendMs?: number } = {}) {
  const sent: OutgoingEmail[] = [];
  const committed: NotificationRecord[] = [];
  const sending = { now: 0, most: 0 };
  const outbox = new Outbox({
    mailer: {
      send: async (email) => {
        sending.now += 1;
        sending.most = Math.max(sending.most, sending.now);
        try {
          if (options.sendMs) await new Promise((resolve) => setTimeout(resolve, options.sendMs));
          const result = results.shift() ?? null;
          if (result) throw result;
          sent.push(email);
          return { response: '250 ok' };
        } finally {
          sending.now -= 1;
        }
      },
      close: () => undefined,
    },
    compose: (record) => ({
      ok: true,
      email: { from: 'f@x', to: 'o@x', subject: record.key, text: '', html: '', messageId: `<${record.key}@x>`, headers: {} },
    }),
    commit: async (record) => {
      committed.push(record);
    },
    onFinal: () => undefined,
    log: silentLogger(),
    maxAttempts: 3,
    backoff: { initialMs: 5, maxMs: 10 },
    concurrency: options.concurrency,
  });
  return { outbox, sent, committed, sending };
}

const transient = () => new AppError('SMTP_UNAVAILABLE', '451 try later', { retriable: true });
const permanent = () => new AppError('SMTP_REJECTED', '550 no such user', { retriable: false });

async function settle(outbox: Outbox): Promise<void> {
  for (let i = 0; i < 200 && outbox.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  await outbox.stop();
}

describe('Outbox', () => {
  it('sends up to `concurrency` emails at once, each exactly once, a retry not holding up the rest', async () => {
    const { outbox, sent, committed, sending } = setup([transient()], { concurrency: 3, sendMs: 10 });
    outbox.start();
    const keys = Array.from({ length: 12 }, (_, index) => `k${index}`);
    for (const key of keys) outbox.add(pending(key));
    await settle(outbox);
    expect(sending.most).toBe(3);
    expect(sent.map((email) => email.subject).sort()).toEqual([...keys].sort());
    expect(committed.filter((record) => record.status === 'sent').map((record) => record.key).sort()).toEqual([...keys].sort());
    expect(committed).toHaveLength(keys.length);
  });

  it('retries a transient failure and records one send with the attempts', async () => {
    const { outbox, sent, committed } = setup([transient()]);
    outbox.start();
    outbox.add(pending('a'));
    await settle(outbox);
    expect(sent).toHaveLength(1);
    expect(committed).toMatchObject([{ key: 'a', status: 'sent', attempts: 2, recipient: 'o@x', messageId: '<a@x>' }]);
  });

  it('records failed at once on a permanent rejection, and keeps sending the others', async () => {
    const { outbox, sent, committed } = setup([permanent()]);
    outbox.start();
    outbox.add(pending('a'));
    outbox.add(pending('b'));
    await settle(outbox);
    expect(committed.map((r) => [r.key, r.status, r.reason, r.attempts])).toEqual([
      ['a', 'failed', 'smtp-rejected', 1],
      ['b', 'sent', null, 1],
    ]);
    expect(sent.map((e) => e.subject)).toEqual(['b']);
  });

  it('gives up after the bounded number of transient failures', async () => {
    const { outbox, committed } = setup([transient(), transient(), transient(), transient()]);
    outbox.start();
    outbox.add(pending('a'));
    await settle(outbox);
    expect(committed).toMatchObject([{ key: 'a', status: 'failed', reason: 'retries-exhausted', attempts: 3 }]);
  });

  it('does not send a record while it is being amended', async () => {
    const { outbox, committed } = setup([]);
    outbox.add(pending('a'));
    const amended = outbox.amend('a', { durationMs: 42_000, peakSpeedKph: 131 }, 5);
    outbox.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(committed).toEqual([]);
    expect(amended?.episode).toEqual({ durationMs: 42_000, peakSpeedKph: 131 });
    outbox.release('a');
    await settle(outbox);
    expect(committed[0]?.episode).toEqual({ durationMs: 42_000, peakSpeedKph: 131 });
  });
});
