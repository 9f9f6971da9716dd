import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MailAddress {
  name: string;
  address: string;
}

/** One caught message, as stored in `<store>/<id>.json`. */
export interface StoredMessage {
  id: string;
  messageId: string | null;
  from: MailAddress | null;
  /** Header To addresses (the envelope recipients when the header has none). */
  to: MailAddress[];
  cc: MailAddress[];
  /** Envelope recipients that are in neither To nor Cc. */
  bcc: MailAddress[];
  replyTo: MailAddress[];
  envelope: { mailFrom: string | null; rcptTo: string[] };
  subject: string;
  text: string;
  html: string;
  /** Header name (lower case) → values in order. */
  headers: Record<string, string[]>;
  attachments: { filename: string; contentType: string; size: number }[];
  size: number;
  /** Date header, ISO. */
  date: string | null;
  receivedAt: string;
}

/** Sortable id: milliseconds then a random suffix. */
export function newMessageId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}${randomBytes(5).toString('hex')}`;
}

/** Messages kept in memory and mirrored as one JSON file each, so they survive a restart. */
export class MessageStore {
  readonly #dir: string;
  readonly #messages = new Map<string, StoredMessage>();

  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      try {
        const message = JSON.parse(readFileSync(join(dir, file), 'utf8')) as StoredMessage;
        this.#messages.set(message.id, message);
      } catch {
        // a half-written file from a crash: ignore it
      }
    }
  }

  add(message: StoredMessage): void {
    const path = join(this.#dir, `${message.id}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(message, null, 2));
    renameSync(`${path}.tmp`, path);
    this.#messages.set(message.id, message);
  }

  get(id: string): StoredMessage | undefined {
    return this.#messages.get(id);
  }

  /** Newest first. */
  list(): StoredMessage[] {
    return [...this.#messages.values()].sort((a, b) =>
      a.receivedAt === b.receivedAt ? b.id.localeCompare(a.id) : b.receivedAt.localeCompare(a.receivedAt),
    );
  }

  /** Deletes the given ids, or everything; returns how many were deleted. */
  delete(ids?: readonly string[]): number {
    const targets = ids ?? [...this.#messages.keys()];
    let deleted = 0;
    for (const id of targets) {
      if (!this.#messages.delete(id)) continue;
      rmSync(join(this.#dir, `${id}.json`), { force: true });
      deleted++;
    }
    return deleted;
  }
}

/**
 * Mailpit-like search: whitespace-separated terms, all of which must match (case-insensitive
 * substring). `to:`, `from:`, `subject:` restrict a term to that field; quotes group words.
 */
export function matchesQuery(message: StoredMessage, query: string): boolean {
  const terms = query.match(/(?:[a-z]+:)?(?:"[^"]*"|\S+)/gi) ?? [];
  const addresses = (list: MailAddress[]) => list.map((a) => `${a.name} <${a.address}>`).join(', ');
  const fields = {
    to: `${addresses(message.to)} ${addresses(message.cc)} ${addresses(message.bcc)}`,
    from: message.from === null ? '' : addresses([message.from]),
    subject: message.subject,
  };
  return terms.every((term) => {
    const match = /^(to|from|subject):(.*)$/i.exec(term);
    const field = match?.[1]?.toLowerCase() as keyof typeof fields | undefined;
    const needle = (match?.[2] ?? term).replace(/^"|"$/g, '').toLowerCase();
    if (needle === '') return true;
    const haystack = field !== undefined ? fields[field] : `${fields.to} ${fields.from} ${fields.subject} ${message.text}`;
    return haystack.toLowerCase().includes(needle);
  });
}
