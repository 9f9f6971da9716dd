/** Reads caught mail over the SMTP catcher's Mailpit-style HTTP API (also works against Mailpit). */

export interface MailSummary {
  ID: string;
  MessageID: string;
  Subject: string;
  To: { Address: string }[];
}

export interface MailDetail extends MailSummary {
  Text: string;
  HTML: string;
}

export async function mailsTo(mailApiUrl: string, address: string): Promise<MailSummary[]> {
  const response = await fetch(`${mailApiUrl}/api/v1/search?query=${encodeURIComponent(`to:${address}`)}&limit=500`);
  if (!response.ok) throw new Error(`mail API answered ${response.status}`);
  return ((await response.json()) as { messages: MailSummary[] }).messages;
}

export async function mailDetail(mailApiUrl: string, id: string): Promise<MailDetail> {
  const response = await fetch(`${mailApiUrl}/api/v1/message/${encodeURIComponent(id)}`);
  if (!response.ok) throw new Error(`mail API answered ${response.status}`);
  return (await response.json()) as MailDetail;
}
