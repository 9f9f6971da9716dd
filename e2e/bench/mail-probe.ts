interface MailSummary {
  MessageID: string;
  Created: string;
}

/** Emails caught for recipients containing `recipientPart`: Message-ID (without <…@…>) and receive time. */
export async function caughtMails(mailApiUrl: string, recipientPart: string): Promise<{ key: string; receivedAt: number }[]> {
  const params = new URLSearchParams({ query: `to:${recipientPart}`, limit: '100000' });
  const response = await fetch(`${mailApiUrl}/api/v1/search?${params}`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`mail API answered ${response.status}`);
  const body = (await response.json()) as { messages: MailSummary[] };
  return body.messages.map((mail) => ({
    // alerts derives the Message-ID from the notification key, which is the eventId for event emails.
    key: mail.MessageID.replace(/^<|@.*$/g, ''),
    receivedAt: Date.parse(mail.Created),
  }));
}
