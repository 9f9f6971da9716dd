import { AppError, errorMessage } from '@fleet/runtime';
import nodemailer, { type Transporter } from 'nodemailer';

export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  /** Connection and greeting timeouts, ms. */
  timeoutMs: number;
  /** Pooled SMTP connections, reused across emails; default 1. */
  maxConnections?: number;
}

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per notification: a resend after a crash carries the same id, so mail systems can dedupe. */
  messageId: string;
  headers: Record<string, string>;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ response: string }>;
  close(): void;
}

interface SmtpFailure {
  responseCode?: number;
  code?: string;
}

/**
 * SMTP replies decide: 5xx is permanent (the same message will be refused again), 4xx and
 * connection failures are transient. Errors carry the stable codes SMTP_REJECTED / SMTP_UNAVAILABLE.
 */
export function classifySmtpError(error: unknown): AppError {
  const { responseCode, code } = (error ?? {}) as SmtpFailure;
  const detail = `${errorMessage(error)}${responseCode ? ` (SMTP ${responseCode})` : ''}`;
  if (responseCode !== undefined && responseCode >= 500) {
    return new AppError('SMTP_REJECTED', detail, { retriable: false, cause: error });
  }
  if (responseCode === undefined && code === 'EENVELOPE') {
    // nodemailer refuses an address it cannot use before talking to the server.
    return new AppError('SMTP_REJECTED', detail, { retriable: false, cause: error });
  }
  return new AppError('SMTP_UNAVAILABLE', detail, { retriable: true, cause: error });
}

export function createSmtpMailer(options: SmtpOptions): Mailer {
  const transport: Transporter = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    // A local catcher does not offer TLS; a real relay upgrades with STARTTLS when it offers it.
    ignoreTLS: false,
    auth: options.user ? { user: options.user, pass: options.password ?? '' } : undefined,
    // Pooled: an email costs MAIL/RCPT/DATA on an open connection instead of a connect, greeting
    // and EHLO of its own; concurrent sends use up to maxConnections connections.
    pool: true,
    maxConnections: options.maxConnections ?? 1,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs * 3,
  });
  return {
    async send(email) {
      try {
        const info = await transport.sendMail({
          from: email.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
          headers: email.headers,
        });
        return { response: String(info.response ?? '') };
      } catch (error) {
        throw classifySmtpError(error);
      }
    },
    close: () => transport.close(),
  };
}
