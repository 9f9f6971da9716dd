import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type MailAddress, type MessageStore, matchesQuery, type StoredMessage } from './message-store';

/**
 * A subset of Mailpit's API (same paths and field names, so tests can run against either):
 *   GET    /api/v1/messages[?query=&start=&limit=]   list, newest first
 *   GET    /api/v1/search?query=…                    same, query required
 *   GET    /api/v1/message/:id                       one message (Text, HTML, …)
 *   GET    /api/v1/message/:id/headers               { Header: [values] }
 *   DELETE /api/v1/messages                          all, or body { "IDs": [...] }
 */

const address = (a: MailAddress) => ({ Name: a.name, Address: a.address });

export function messageSummary(message: StoredMessage) {
  return {
    ID: message.id,
    MessageID: message.messageId ?? '',
    Read: false,
    From: message.from === null ? null : address(message.from),
    To: message.to.map(address),
    Cc: message.cc.map(address),
    Bcc: message.bcc.map(address),
    ReplyTo: message.replyTo.map(address),
    Subject: message.subject,
    Created: message.receivedAt,
    Tags: [] as string[],
    Size: message.size,
    Attachments: message.attachments.length,
    Snippet: message.text.replace(/\s+/g, ' ').trim().slice(0, 250),
  };
}

export function messageDetail(message: StoredMessage) {
  return {
    ID: message.id,
    MessageID: message.messageId ?? '',
    From: message.from === null ? null : address(message.from),
    To: message.to.map(address),
    Cc: message.cc.map(address),
    Bcc: message.bcc.map(address),
    ReplyTo: message.replyTo.map(address),
    ReturnPath: message.envelope.mailFrom ?? '',
    Subject: message.subject,
    Date: message.date ?? message.receivedAt,
    Tags: [] as string[],
    Text: message.text,
    HTML: message.html,
    Size: message.size,
    Inline: [] as unknown[],
    Attachments: message.attachments.map((a) => ({ FileName: a.filename, ContentType: a.contentType, Size: a.size })),
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function nonNegativeInt(value: string | null, fallback: number): number {
  const parsed = value === null ? Number.NaN : Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback;
}

function list(store: MessageStore, params: URLSearchParams) {
  const all = store.list();
  const query = params.get('query')?.trim() ?? '';
  const matching = query === '' ? all : all.filter((message) => matchesQuery(message, query));
  const start = nonNegativeInt(params.get('start'), 0);
  const limit = nonNegativeInt(params.get('limit'), 50);
  const page = matching.slice(start, start + limit);
  return {
    total: all.length,
    unread: all.length,
    count: page.length,
    messages_count: matching.length,
    start,
    tags: [] as string[],
    messages: page.map(messageSummary),
  };
}

async function route(store: MessageStore, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '');
  const method = request.method ?? 'GET';

  if (path === '/api/v1/messages' || path === '/api/v1/search') {
    if (method === 'GET') {
      send(response, 200, list(store, url.searchParams));
      return;
    }
    if (method === 'DELETE' && path === '/api/v1/messages') {
      const body = await readBody(request);
      let ids: string[] | undefined;
      if (body.trim() !== '') {
        const parsed = JSON.parse(body) as { IDs?: unknown };
        if (Array.isArray(parsed.IDs) && parsed.IDs.length > 0) ids = parsed.IDs.map(String);
      }
      store.delete(ids);
      send(response, 200, 'ok');
      return;
    }
    send(response, 405, 'method not allowed');
    return;
  }

  const match = /^\/api\/v1\/message\/([^/]+)(\/headers)?$/.exec(path);
  if (match !== null && method === 'GET') {
    const message = store.get(decodeURIComponent(match[1] ?? ''));
    if (message === undefined) {
      send(response, 404, 'message not found');
      return;
    }
    if (match[2] !== undefined) {
      const headers = Object.fromEntries(
        Object.entries(message.headers).map(([name, values]) => [
          name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase()),
          values,
        ]),
      );
      send(response, 200, headers);
      return;
    }
    send(response, 200, messageDetail(message));
    return;
  }

  send(response, 404, 'not found');
}

export function createHttpApi(store: MessageStore, onError: (error: Error) => void): Server {
  return createServer((request, response) => {
    route(store, request, response).catch((error: Error) => {
      onError(error);
      if (!response.headersSent) send(response, 400, error.message);
      else response.end();
    });
  });
}
