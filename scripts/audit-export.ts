// `npm run audit:export -- (--organization <id> | --global) --out <file.jsonl> [--public-key-out <key.pem>] [--no-checkpoint]`:
// writes one audit chain (an organization's, or the global login chain) with its signed checkpoints
// and the signing public key, for `npm run audit:verify`. Reads DATABASE_URL and the audit keys
// from the environment, like the server. First it signs the current head (after verifying the
// events since the last checkpoint with the audit key), so the whole export is covered by a signature.
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { chainOf } from '../src/audit/chain.ts';
import { checkpointChain } from '../src/audit/checkpoints.ts';
import { exportChain, organizationIdOf } from '../src/audit/export.ts';
import { auditKeysFrom, publicKeyPem, useAuditKeys } from '../src/audit/keys.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';

const usage = 'Usage: npm run audit:export -- (--organization <id> | --global) --out <file.jsonl | -> [--public-key-out <key.pem>] [--no-checkpoint]';

const { values } = parseArgs({
  options: {
    organization: { type: 'string' },
    global: { type: 'boolean', default: false },
    out: { type: 'string' },
    'public-key-out': { type: 'string' },
    'no-checkpoint': { type: 'boolean', default: false },
  },
});
if (Boolean(values.organization) === values.global || !values.out) {
  console.error(usage);
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const keys = auditKeysFrom(config);
const db = openDatabase(config.DATABASE_URL);
useAuditKeys(db, keys);
const organizationId = values.organization ? organizationIdOf(values.organization) : null;
try {
  if (!values['no-checkpoint']) {
    const outcome = await checkpointChain(db, keys, chainOf(organizationId), new Date());
    if (outcome?.problem) console.error(`warning: the head was not signed: ${outcome.problem}`);
  }
  const lines = exportChain(db, keys, organizationId, new Date());
  // The header first: a chain that does not exist leaves no file behind.
  const header = await lines.next();
  const out = values.out === '-' ? process.stdout : createWriteStream(values.out, { mode: 0o600 });
  let events = 0;
  let checkpoints = 0;
  const write = async (line: unknown) => {
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  };
  if (!header.done) await write(header.value);
  for await (const line of lines) {
    if (line.type === 'event') events++;
    if (line.type === 'checkpoint') checkpoints++;
    await write(line);
  }
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
  if (values['public-key-out']) writeFileSync(values['public-key-out'], publicKeyPem(keys));
  console.error(`exported ${chainOf(organizationId)}: ${events} events, ${checkpoints} checkpoints, signed by ${keys.signer.id}`);
} catch (error) {
  console.error(`audit:export failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
