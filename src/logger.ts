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

/**
 * Logs a fault the first time it is seen in an interval, then how often it recurred: an outage
 * that lasts minutes is a few lines, not one per attempt or per publish.
 */
export function oncePerInterval(log: Pick<Logger, 'warn'>, intervalMs: number, now: () => number = () => performance.now()) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key: string, message: string) => {
    const seen = last.get(key);
    const t = now();
    if (seen && t - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    log.warn(seen?.suppressed ? { repeated: seen.suppressed } : {}, message);
    last.set(key, { at: t, suppressed: 0 });
  };
}

/** Where a service is, for a log line: host and port of its URL, never its user or password. */
export function serviceAddress(url: string, defaultPort: number): string {
  try {
    const { hostname, port } = new URL(url);
    return hostname ? `${hostname}:${port || defaultPort}` : 'the configured address';
  } catch {
    return 'the configured address';
  }
}

/**
 * Where a listener bound to `host` is reached, for the start log: its own address, or for a
 * wildcard (every interface) that it is one, and the URL that works from this machine.
 */
export function listeningOn(host: string, port: number, path: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return `all interfaces (${host}), port ${port}: http://localhost:${port}${path} from this machine`;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}${path}`;
}
