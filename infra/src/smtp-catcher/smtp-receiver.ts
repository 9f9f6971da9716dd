import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { type MailAddress, type MessageStore, newMessageId, type StoredMessage } from './message-store';

const MAX_SIZE = 25 * 1024 * 1024;

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((object) =>
    object.value.flatMap((entry) => {
      // groups ("undisclosed-recipients:;") nest their members
      const members = entry.group ?? [entry];
      return members
        .filter((member) => member.address !== undefined && member.address !== '')
        .map((member) => ({ name: member.name ?? '', address: member.address ?? '' }));
    }),
  );
}

/** Parses a raw RFC 5322 message into the stored form. */
export async function toStoredMessage(
  raw: Buffer,
  envelope: { mailFrom: string | null; rcptTo: string[] },
): Promise<StoredMessage> {
  const parsed = await simpleParser(raw, { skipImageLinks: true });
  const headers: Record<string, string[]> = {};
  for (const { key, line } of parsed.headerLines) {
    const value = line.slice(line.indexOf(':') + 1).trim();
    const values = headers[key] ?? [];
    values.push(value);
    headers[key] = values;
  }
  const to = addresses(parsed.to);
  const cc = addresses(parsed.cc);
  const listed = new Set([...to, ...cc].map((a) => a.address.toLowerCase()));
  const bcc = envelope.rcptTo
    .filter((address) => !listed.has(address.toLowerCase()))
    .map((address) => ({ name: '', address }));
  const from = addresses(parsed.from)[0] ?? (envelope.mailFrom ? { name: '', address: envelope.mailFrom } : null);
  return {
    id: newMessageId(),
    messageId: parsed.messageId ?? null,
    from,
    to: to.length > 0 ? to : bcc,
    cc,
    bcc: to.length > 0 ? bcc : [],
    replyTo: addresses(parsed.replyTo),
    envelope,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    headers,
    attachments: parsed.attachments.map((attachment) => ({
      filename: attachment.filename ?? '',
      contentType: attachment.contentType,
      size: attachment.size,
    })),
    size: raw.length,
    date: parsed.date?.toISOString() ?? null,
    receivedAt: new Date().toISOString(),
  };
}

/** Accepts any sender, recipient and credentials (or none); no TLS. */
export function createSmtpReceiver(store: MessageStore, onError: (error: Error) => void): SMTPServer {
  const server = new SMTPServer({
    name: 'fleet-smtp-catcher',
    banner: 'fleet-telemetry SMTP catcher',
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
    size: MAX_SIZE,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('error', (error) => callback(error));
      stream.once('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('message exceeds fixed maximum message size'), { responseCode: 552 }));
          return;
        }
        const envelope = {
          mailFrom: session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address,
          rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        };
        toStoredMessage(Buffer.concat(chunks), envelope)
          .then((message) => {
            store.add(message);
            callback(null, `queued as ${message.id}`);
          })
          .catch((error: Error) => {
            onError(error);
            callback(Object.assign(new Error('could not parse the message'), { responseCode: 451 }));
          });
      });
    },
  });
  server.on('error', onError);
  return server;
}
