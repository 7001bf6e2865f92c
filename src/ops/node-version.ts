// Imported first by main.ts, so that it runs before any other module loads: refuses a Node older
// than package.json's `engines`, whose failures would otherwise be obscure.
export const MINIMUM_NODE = [20, 19] as const;

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor < MINIMUM_NODE[1])) {
  console.error(`Node ${process.versions.node} is too old: this server needs Node ${MINIMUM_NODE.join('.')} or newer (package.json "engines").`);
  process.exit(1);
}
