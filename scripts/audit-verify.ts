// `npm run audit:verify -- <export.jsonl> --public-key <key.pem> [--against <earlier.jsonl>] [--audit-key-file <file>] [--json]`:
// verifies an audit export offline (src/audit/verify-export.ts says what a pass proves). The audit
// key, when held, comes from AUDIT_KEY or --audit-key-file (never the command line); with it every
// keyed hash is recomputed too. `--against` an earlier export of the same chain, kept elsewhere:
// its checkpoints must hold in this one too. Exit status: 0 verified, 1 not verified, 2 usage.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { eventKey, trustedKeys, type EventKeys } from '../src/audit/proof.ts';
import { checkpointsOf, describeVerification, verifyExport } from '../src/audit/verify-export.ts';

const usage =
  'Usage: npm run audit:verify -- <export.jsonl> --public-key <key.pem> [--against <earlier.jsonl>] [--audit-key-file <file>] [--json]   (AUDIT_KEY in the environment also recomputes keyed hashes)';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'public-key': { type: 'string', multiple: true },
    'audit-key-file': { type: 'string' },
    against: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 1 || !values['public-key']?.length) {
  console.error(usage);
  process.exit(2);
}

let publicKeys: KeyObject[];
try {
  publicKeys = values['public-key'].map((file) => createPublicKey(readFileSync(file, 'utf8')));
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
const verification = verifyExport(readFileSync(positionals[0]!, 'utf8'), trusted, eventKeys, earlier);
if (values.json) console.log(JSON.stringify({ ...verification, header: verification.header && { ...verification.header, publicKey: undefined } }, null, 2));
else console.log(describeVerification(verification, [...trusted.keys()]).join('\n'));
process.exitCode = verification.ok ? 0 : 1;
