import nodemailer from 'nodemailer';

/** One email, plain text and HTML, with optional extra headers (List-Unsubscribe…). */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/** Sends mail through SMTP_URL; `enabled` is false when none is configured (then nothing is sent). */
export interface Mailer {
  enabled: boolean;
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * A mailer over SMTP. Timeouts are short so a stuck server fails the job (which is retried) well within its lease,
 * rather than holding it for nodemailer's default of minutes.
 */
export function smtpMailer(smtpUrl: string | null, from: string): Mailer {
  if (!smtpUrl) return { enabled: false, send: async () => {}, close: () => {} };
  const transport = nodemailer.createTransport(smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as object);
  return {
    enabled: true,
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers ?? {} });
    },
    close: () => transport.close(),
  };
}
