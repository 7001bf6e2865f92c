// `npm run bench [-- <name>...]`: the benchmarks; `kpis` and `fanout` by default (offline, a few
// minutes). `peer` runs side by side with the PostGraphile harness when it is set up (bench/peer.ts);
// `import` compares the import path with a plain INSERT (bench/import.ts).
// Figures, not assertions.
import { fanout } from './fanout.ts';
import { importBench } from './import.ts';
import { kpiBench } from './kpis.ts';
import { pageWeight } from './page-weight.ts';
import { peer } from './peer.ts';

const benches: Record<string, () => Promise<unknown>> = { kpis: kpiBench, fanout, peer, import: importBench, 'page-weight': pageWeight };
const byDefault = ['kpis', 'fanout'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted.length ? wanted : byDefault) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  await bench();
}
process.exit(0);
