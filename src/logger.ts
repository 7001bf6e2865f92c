// Structured JSON logs. Secrets and PII other than emails never reach a log line: these paths are redacted.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'variables',
        '*.variables',
        'phone',
        '*.phone',
      ],
      censor: '[redacted]',
    },
  });
}
