// Summarises V8 .cpuprofile files (from `node --cpu-prof`): top functions by self time, and the
// inclusive time of a few named functions. Usage: node bench/cpuProfileTop.mjs <file.cpuprofile> [N] [fn,fn,...]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [file, topArg, namesArg] = process.argv.slice(2);
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = new Map();
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) dt.set(samples[i], (dt.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0) / 1000);
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const label = (n) => {
  const f = n.callFrame;
  return `${f.functionName || '(anonymous)'} ${f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
};
const self = new Map();
for (const n of profile.nodes) self.set(label(n), (self.get(label(n)) ?? 0) + (dt.get(n.id) ?? 0));
console.log(`${basename(file)}: ${total.toFixed(0)} ms sampled`);
for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
}
if (namesArg) {
  // Inclusive time: samples whose stack contains the function (counted once per sample).
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (const name of namesArg.split(',')) {
    let ms = 0;
    for (const [id, t] of dt) {
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        if (byId.get(cur).callFrame.functionName === name) {
          ms += t;
          break;
        }
      }
    }
    console.log(`inclusive ${name}: ${ms.toFixed(1)} ms`);
  }
}
