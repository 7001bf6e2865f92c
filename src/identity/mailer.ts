// Email delivery behind an interface. The development transport logs the accept link instead of sending.
import type { Logger } from '../logger.ts';

export interface InviteMessage {
  to: string;
  organizationName: string;
  acceptUrl: string;
  expiresAt: Date;
}

export interface Mailer {
  sendInvite(message: InviteMessage): Promise<void>;
}

declare module '../services.ts' {
  interface Services {
    mailer: Mailer;
  }
}

/** Logs the link (it holds the one-time token): for development only, never in production. */
export const logMailer = (log: Logger): Mailer => ({
  async sendInvite(m) {
    log.info({ to: m.to, organization: m.organizationName, expiresAt: m.expiresAt }, `invite: accept at ${m.acceptUrl}`);
  },
});

/** Production default until a real transport is configured: the inviter hands the token over. */
export const noMailer = (log: Logger): Mailer => ({
  async sendInvite(m) {
    log.warn({ to: m.to }, 'invite created; no mail transport is configured, so the inviter must pass the token on');
  },
});
