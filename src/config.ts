// Configuration from the environment, validated once at start with a message a person can act on.
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const origin = z.string().refine((v) => {
  try {
    return new URL(v).origin === v.replace(/\/$/, '');
  } catch {
    return false;
  }
}, 'must be an origin such as https://hooks.example.com (scheme, host and optional port, no path)');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .default('file:./data/governance.db')
      .refine(
        (v) => /^(file:|postgres(ql)?:\/\/)/.test(v),
        'must be a SQLite file URL (file:./data/governance.db) or a postgresql:// URL',
      ),
    /** How long a start waits for PostgreSQL to answer, retrying with backoff; 0: as long as it takes. */
    DATABASE_START_TIMEOUT_SECONDS: z.coerce.number().int().min(0).default(0),
    REDIS_URL: z
      .string()
      .refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL')
      .optional(),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(12 * 3600),
    /** HMAC-SHA256 key of the audit chain's hashes: held outside the database. */
    AUDIT_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Ed25519 private key (PKCS#8 PEM; `\n` escapes accepted) that signs audit checkpoints. */
    AUDIT_SIGNING_KEY: z
      .string()
      .transform((v) => v.replace(/\\n/g, '\n').trim())
      .refine(isEd25519PrivateKey, 'must be an Ed25519 private key in PEM (openssl genpkey -algorithm ed25519)')
      .optional(),
    /** How often the heads of the audit chains that moved are signed (once per interval across instances). */
    AUDIT_CHECKPOINT_SECONDS: z.coerce.number().min(0.05).max(24 * 3600).default(300),
    /** A directory outside the database where every signed checkpoint is also written (one file per chain and seq). */
    AUDIT_ANCHOR_DIR: z.string().min(1).optional(),
    /** An HTTP endpoint that receives every signed checkpoint as a JSON POST. */
    AUDIT_ANCHOR_URL: z
      .string()
      .refine(isAnchorUrl, 'must be an http:// or https:// URL without user or password (set by the operator; checkpoints are signed, not secret)')
      .optional(),
    /** How long a POST to AUDIT_ANCHOR_URL waits for the receiver. */
    AUDIT_ANCHOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /** How often undelivered checkpoints are retried (once per interval across instances); a failed delivery waits this long, doubled per failure, at most an hour. */
    AUDIT_ANCHOR_RETRY_SECONDS: z.coerce.number().min(0.05).max(3600).default(30),
    BOOTSTRAP_OWNER_EMAIL: z.email('must be an email address').optional(),
    BOOTSTRAP_OWNER_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    BOOTSTRAP_ORG_NAME: z.string().min(1).max(120).optional(),
    WEBHOOK_ALLOWLIST: csv.pipe(z.array(origin)).default([]),
    CORS_ORIGINS: csv.pipe(z.array(origin)).default([]),
    /** Proxies in front of the server that append to X-Forwarded-For (0: none, use the socket's address). */
    TRUST_PROXY: z.preprocess(
      (v) => (typeof v === 'string' ? (({ true: '1', yes: '1', false: '0', no: '0', '': '0' }) as Record<string, string>)[v.toLowerCase()] ?? v : v),
      z.coerce.number().int().min(0, 'must be 0 (no proxy) or the number of proxies in front of the server').max(10).default(0),
    ),
    AUTH_DEV_HEADERS: flag.default(false),
    /** scrypt cost of new password hashes: `test` is for test suites only (refused unless NODE_ENV=test). */
    PASSWORD_HASH_COST: z.enum(['standard', 'test']).default('standard'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    GRAPHIQL: flag.optional(),
    INTROSPECTION: flag.optional(),
    SEED_DEMO: flag.optional(),
    MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
    MAX_ALIASES: z.coerce.number().int().min(1).max(200).default(30),
    MAX_COST: z.coerce.number().int().min(100).default(5000),
    /** Tokens (names, punctuation, values) a document may have; parsing stops past it. */
    MAX_TOKENS: z.coerce.number().int().min(100).max(100_000).default(2000),
    /** Directives a document may use. */
    MAX_DIRECTIVES: z.coerce.number().int().min(1).max(1000).default(20),
    MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
    /** Largest request body (HTTP) or WebSocket message accepted, in bytes. */
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(2 * 1024 * 1024),
    /** Longest string accepted in any argument or variable, in characters (fields have their own, smaller limits). */
    MAX_STRING_LENGTH: z.coerce.number().int().min(256).max(1_000_000).default(10_000),
    /** How long a graphql-ws socket may wait before its connection_init. */
    WS_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
    /** Open graphql-ws sockets one user may hold on one instance. */
    WS_MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
    /** Open subscriptions one user may have on one instance: graphql-ws operations and SSE streams together. */
    MAX_SUBSCRIPTIONS_PER_USER: z.coerce.number().int().min(1).max(100_000).default(50),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    /** Age after which a pending approval request expires. */
    APPROVAL_TTL_SECONDS: z.coerce.number().int().min(1).default(7 * 24 * 3600),
    /** How often the expiry sweep runs (once per interval across instances). */
    APPROVAL_SWEEP_SECONDS: z.coerce.number().min(0.05).max(24 * 3600).default(60),
    /** How long approval events are kept for subscribers resuming with a cursor (`after:`); older cursors are refused. */
    APPROVAL_EVENT_RETENTION_HOURS: z.coerce.number().min(0.01).max(24 * 365).default(72),
    /** How long before a time-bound scope ends its holder is told (SCOPE_EXPIRING, once). */
    SCOPE_EXPIRY_NOTICE_SECONDS: z.coerce.number().int().min(1).max(365 * 24 * 3600).default(3 * 24 * 3600),
    /** How long a WEBHOOK action waits for the receiver. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /** How often the scheduler looks for due SCHEDULE workflows. */
    SCHEDULER_TICK_SECONDS: z.coerce.number().min(0.05).max(60).default(1),
    /** Bearer token that /metrics requires; without it (and without METRICS_PORT) metrics are not served. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Serve /metrics on this port (its own listener, on HOST) instead of the API's. */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    // OpenTelemetry, by its standard variables (the exporter reads its own OTEL_EXPORTER_OTLP_* too).
    OTEL_SDK_DISABLED: flag.optional(),
    OTEL_TRACES_EXPORTER: csv.pipe(z.array(z.enum(['otlp', 'console', 'none'], 'must be otlp, console or none (a comma-separated list)'))).optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url('must be a URL such as http://collector:4318').optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url('must be a URL such as http://collector:4318/v1/traces').optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: z.literal('http/protobuf', 'only http/protobuf is supported (OTLP over HTTP, port 4318)').optional(),
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.literal('http/protobuf', 'only http/protobuf is supported (OTLP over HTTP, port 4318)').optional(),
    OTEL_TRACES_SAMPLER: z
      .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'], 'must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio')
      .optional(),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  })
  .superRefine((c, ctx) => {
    const production = c.NODE_ENV === 'production';
    if (production && !c.JWT_SECRET)
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    for (const key of ['AUDIT_KEY', 'AUDIT_SIGNING_KEY'] as const)
      if (production && !c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
    if (production && c.AUTH_DEV_HEADERS)
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_DEV_HEADERS'],
        message: 'is refused when NODE_ENV=production: it lets any caller act as any user',
      });
    if (production && c.SEED_DEMO)
      ctx.addIssue({ code: 'custom', path: ['SEED_DEMO'], message: 'is refused when NODE_ENV=production: the production build has no demo seeding' });
    if (c.PASSWORD_HASH_COST === 'test' && c.NODE_ENV !== 'test')
      ctx.addIssue({ code: 'custom', path: ['PASSWORD_HASH_COST'], message: 'test is refused unless NODE_ENV=test: it makes password hashes cheap to guess' });
    const bootstrap = [c.BOOTSTRAP_OWNER_EMAIL, c.BOOTSTRAP_OWNER_PASSWORD, c.BOOTSTRAP_ORG_NAME];
    if (bootstrap.some(Boolean) && !bootstrap.every(Boolean))
      ctx.addIssue({
        code: 'custom',
        path: ['BOOTSTRAP_OWNER_EMAIL'],
        message: 'BOOTSTRAP_OWNER_EMAIL, BOOTSTRAP_OWNER_PASSWORD and BOOTSTRAP_ORG_NAME go together: set all three or none',
      });
  });

export type Config = Omit<z.output<typeof schema>, 'JWT_SECRET' | 'AUDIT_KEY' | 'AUDIT_SIGNING_KEY' | 'GRAPHIQL' | 'INTROSPECTION' | 'SEED_DEMO'> & {
  JWT_SECRET: string;
  AUDIT_KEY: string;
  /** PEM. */
  AUDIT_SIGNING_KEY: string;
  GRAPHIQL: boolean;
  INTROSPECTION: boolean;
  SEED_DEMO: boolean;
  provider: 'sqlite' | 'postgresql';
  /** Folder for the SQLite file and the development JWT secret. */
  dataDir: string;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment. Throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const provider = c.DATABASE_URL.startsWith('file:') ? 'sqlite' : 'postgresql';
  const dataDir = provider === 'sqlite' ? dirname(sqliteFilePath(c.DATABASE_URL)) : join(process.cwd(), 'data');
  const production = c.NODE_ENV === 'production';
  return {
    ...c,
    JWT_SECRET: c.JWT_SECRET ?? developmentJwtSecret(dataDir),
    AUDIT_KEY: c.AUDIT_KEY ?? developmentSecret(dataDir, 'audit-key', () => randomBytes(48).toString('base64url')),
    AUDIT_SIGNING_KEY:
      c.AUDIT_SIGNING_KEY ??
      developmentSecret(dataDir, 'audit-signing-key.pem', () =>
        generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ),
    GRAPHIQL: c.GRAPHIQL ?? !production,
    INTROSPECTION: c.INTROSPECTION ?? !production,
    SEED_DEMO: c.SEED_DEMO ?? !production,
    provider,
    dataDir,
  };
}

export function sqliteFilePath(url: string): string {
  return url.replace(/^file:/, '');
}

/** Outside production the secret is generated once and kept beside the data, so tokens survive restarts. */
function developmentJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Outside production the audit keys are generated once into the data folder, like the JWT secret.
 * Created atomically (hard link of a finished file): processes starting together agree on one key.
 */
function developmentSecret(dataDir: string, name: string, generate: () => string): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, generate(), { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(draft, { force: true });
    }
  }
  return readFileSync(file, 'utf8').trim();
}

function isAnchorUrl(v: string): boolean {
  try {
    const url = new URL(v);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

function isEd25519PrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}
