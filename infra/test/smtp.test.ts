import { getInfra, uniqueName, waitFor } from '@fleet/testkit';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';

interface Address {
  Name: string;
  Address: string;
}
interface Summary {
  ID: string;
  Subject: string;
  To: Address[];
  From: Address | null;
  Snippet: string;
}
interface ListResponse {
  total: number;
  count: number;
  messages_count: number;
  messages: Summary[];
}
interface Detail extends Summary {
  Text: string;
  HTML: string;
  Cc: Address[];
  Bcc: Address[];
}

describe('smtp catcher (SMTP in, Mailpit-style HTTP API out)', () => {
  const { smtp, mailApiUrl } = getInfra();
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${mailApiUrl}${path}`, init);
    expect(response.ok).toBe(true);
    return (response.headers.get('content-type')?.includes('json') ? response.json() : response.text()) as Promise<T>;
  };

  it('catches a mail sent with nodemailer and serves it over HTTP', async () => {
    const to = `${uniqueName('fleet-ops')}@example.test`;
    const subject = `Alert: vehicle v-7 over speed ${uniqueName('s')}`;
    const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true, auth: { user: 'any', pass: 'thing' } });
    const info = await transport.sendMail({
      from: '"Fleet Alerts" <alerts@fleet.test>',
      to: `"Ops Team" <${to}>`,
      bcc: 'audit@fleet.test',
      subject,
      text: 'Vehicle v-7 drove 132 km/h.',
      html: '<p>Vehicle <b>v-7</b> drove 132 km/h.</p>',
      headers: { 'X-Fleet-Alert': 'overspeed' },
    });
    transport.close();
    expect(info.accepted).toEqual([to, 'audit@fleet.test']);

    const list = await waitFor(async () => {
      const result = await api<ListResponse>(`/api/v1/messages?query=${encodeURIComponent(`to:${to}`)}`);
      return result.messages.length > 0 ? result : undefined;
    });
    expect(list.messages).toHaveLength(1);
    const summary = list.messages[0]!;
    expect(summary.Subject).toBe(subject);
    expect(summary.To).toEqual([{ Name: 'Ops Team', Address: to }]);

    const detail = await api<Detail>(`/api/v1/message/${summary.ID}`);
    expect(detail.From).toEqual({ Name: 'Fleet Alerts', Address: 'alerts@fleet.test' });
    expect(detail.Text.trim()).toBe('Vehicle v-7 drove 132 km/h.');
    expect(detail.HTML).toBe('<p>Vehicle <b>v-7</b> drove 132 km/h.</p>');
    expect(detail.Bcc).toEqual([{ Name: '', Address: 'audit@fleet.test' }]);

    const headers = await api<Record<string, string[]>>(`/api/v1/message/${summary.ID}/headers`);
    expect(headers['X-Fleet-Alert']).toEqual(['overspeed']);

    // Newest first.
    const all = await api<ListResponse>('/api/v1/messages');
    expect(all.messages[0]?.ID).toBe(summary.ID);

    // Delete just this one (the catcher is shared with other tests).
    expect(await api<string>('/api/v1/messages', { method: 'DELETE', body: JSON.stringify({ IDs: [summary.ID] }) })).toBe('ok');
    const after = await api<ListResponse>(`/api/v1/messages?query=${encodeURIComponent(`to:${to}`)}`);
    expect(after.messages).toHaveLength(0);
    const missing = await fetch(`${mailApiUrl}/api/v1/message/${summary.ID}`);
    expect(missing.status).toBe(404);
  });
});
