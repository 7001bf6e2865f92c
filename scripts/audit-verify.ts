// `npm run audit:verify -- <export.jsonl> --public-key <key.pem> [--anchor <dir>] [--against <earlier.jsonl>] [--audit-key-file <file>] [--json]`
// `npm run audit:verify -- --database-url <url> (--organization <id> | --global) --public-key <key.pem> [--anchor <dir>] …`
// verifies an audit chain offline (src/audit/verify-export.ts says what a pass proves): an export,
// or the chain read straight from the database (read access is all it needs; no key of the
// server's). `--anchor` the directory the server delivers its checkpoints to (AUDIT_ANCHOR_DIR):
// every anchored checkpoint must be in the chain with its signature, the events it covers as it
// signed them, and the head not behind it (src/audit/verify-anchor.ts). The audit key, when held,
// comes from AUDIT_KEY or --audit-key-file (never the command line); with it every keyed hash is
// recomputed too. `--against` an earlier export of the same chain, kept elsewhere: its checkpoints
// must hold in this one too. Exit status: 0 verified, 1 not verified, 2 usage.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readAnchorDirectory } from '../src/audit/anchor.ts';
import { exportChain, organizationIdOf } from '../src/audit/export.ts';
import { eventKey, trustedKeys, type EventKeys } from '../src/audit/proof.ts';
import { checkAgainstAnchor, type AnchorCheck } from '../src/audit/verify-anchor.ts';
import { checkpointsOf, describeVerification, parseCheckpoint, parseExport, verifyParsed, type ParsedExport } from '../src/audit/verify-export.ts';
import { openDatabase } from '../src/db/client.ts';

const usage = [
  'Usage: npm run audit:verify -- <export.jsonl> --public-key <key.pem> [--anchor <dir>] [--against <earlier.jsonl>] [--audit-key-file <file>] [--json]',
  '       npm run audit:verify -- --database-url <url> (--organization <id> | --global) --public-key <key.pem> [--anchor <dir>] [--json]',
  '(AUDIT_KEY in the environment also recomputes keyed hashes)',
].join('\n');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'public-key': { type: 'string', multiple: true },
    'audit-key-file': { type: 'string' },
    against: { type: 'string', multiple: true },
    anchor: { type: 'string' },
    'database-url': { type: 'string' },
    organization: { type: 'string' },
    global: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const fromDatabase = values['database-url'] !== undefined;
const validSource = fromDatabase ? positionals.length === 0 && Boolean(values.organization) !== values.global : positionals.length === 1 && !values.organization && !values.global;
if (!validSource || !values['public-key']?.length) {
  console.error(usage);
  process.exit(2);
}

let publicKeys: KeyObject[];
let publicPems: string[];
try {
  publicPems = values['public-key'].map((file) => readFileSync(file, 'utf8'));
  publicKeys = publicPems.map((pem) => createPublicKey(pem));
} catch (error) {
  console.error(`cannot read the public key: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
if (publicKeys.some((k) => k.asymmetricKeyType !== 'ed25519')) {
  console.error('the public key must be an Ed25519 key in PEM');
  process.exit(2);
}
const secret = values['audit-key-file'] ? readFileSync(values['audit-key-file'], 'utf8').trim() : process.env.AUDIT_KEY;
const key = secret ? eventKey(secret) : null;
const eventKeys: EventKeys = key ? (id) => (id === key.id ? key : undefined) : null;
const trusted = trustedKeys(...publicKeys);

const earlier = [];
for (const file of values.against ?? []) {
  const checkpoints = checkpointsOf(readFileSync(file, 'utf8'), trusted);
  if (typeof checkpoints === 'string') {
    console.error(`the earlier export ${file} does not verify: ${checkpoints}`);
    process.exit(1);
  }
  earlier.push(...checkpoints);
}

/** The chain as the database holds it now, read like an export (nothing is written). */
async function readFromDatabase(url: string): Promise<string> {
  const db = openDatabase(url);
  try {
    const lines: string[] = [];
    const keyFields = { publicKeyId: [...trusted.keys()][0]!, publicKey: publicPems[0]!, eventKeyId: '(read from the database)' };
    for await (const line of exportChain(db, keyFields, values.organization ? organizationIdOf(values.organization) : null, new Date())) lines.push(JSON.stringify(line));
    return lines.join('\n');
  } finally {
    await db.$disconnect();
  }
}

let parsed: ParsedExport;
try {
  parsed = parseExport(fromDatabase ? await readFromDatabase(values['database-url']!) : readFileSync(positionals[0]!, 'utf8'));
} catch (error) {
  console.error(`cannot read the chain: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
const verification = verifyParsed(parsed, trusted, eventKeys, earlier);
let anchor: AnchorCheck | undefined;
if (values.anchor && !('problem' in parsed)) anchor = checkAgainstAnchor(parsed, await readAnchorDirectory(values.anchor, parsed.header.chain), trusted, parseCheckpoint);
const ok = verification.ok && (!anchor || anchor.problems.length === 0);
if (values.json) console.log(JSON.stringify({ ...verification, ok, header: verification.header && { ...verification.header, publicKey: undefined }, anchor }, null, 2));
else console.log(describeVerification(verification, [...trusted.keys()], anchor && { where: values.anchor!, check: anchor }).join('\n'));
process.exitCode = ok ? 0 : 1;
