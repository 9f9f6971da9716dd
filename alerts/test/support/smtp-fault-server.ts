import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A tiny SMTP server for the faults the real catcher will not produce on demand: it answers DATA
 * with the next scripted reply code (e.g. 451 then 250) and refuses recipients matching `reject`
 * with 550. Accepted messages are kept in `accepted`.
 */
export interface FaultServer {
  port: number;
  accepted: { to: string[]; raw: string }[];
  dataAttempts: number;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startFaultServer(options: { dataReplies: number[]; reject?: RegExp }): Promise<FaultServer> {
  const replies = [...options.dataReplies];
  const state: FaultServer = { port: 0, accepted: [], dataAttempts: 0, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.reject?.test(address.address)) return callback(smtpError(550, 'No such user here'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        state.dataAttempts += 1;
        const code = replies.shift() ?? 250;
        if (code !== 250) return callback(smtpError(code, code >= 500 ? 'Rejected' : 'Try again later'));
        state.accepted.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
