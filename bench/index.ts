// `npm run bench [-- <name>...]`: the benchmarks, all by default. Figures, not assertions.
import { fanout } from './fanout.ts';
import { kpiBench } from './kpis.ts';

const benches: Record<string, () => Promise<void>> = { kpis: kpiBench, fanout };
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  await bench();
}
process.exit(0);
