// Measures the default model's speed through the real loop on this machine: decode tokens/s,
// prefill share, and wall time per item. A script, not a test: figures vary with the machine.
import { closeLab, openLab, startLoop } from "../src/lab.js";
import { DEFAULT_SETTINGS } from "../src/settings.js";
import { DEMO_TASKS } from "../src/tasks/demo.js";
import { closeMathWorker } from "../src/verify/math.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const n = Number(process.argv[2] ?? 12);
const sessions = mkdtempSync(join(tmpdir(), "rl-bench-"));
const lab = await openLab({ settings: { ...DEFAULT_SETTINGS, maxTokens: 256 }, kind: "ask", sessionsDir: sessions });
const b = lab.backend.info;
console.log(`model ${b.modelFile} · ${b.compute} · gpu ${b.gpuLayers}/${b.totalLayers} layers · ${b.threads} threads · ctx ${b.contextSize}`);
let outTok = 0, promptTok = 0, genMs = 0, steps = 0;
const t0 = performance.now();
for (const item of DEMO_TASKS.items.slice(0, n)) {
    const r = await startLoop(lab, item).runToEnd();
    for (const s of r.steps) {
        if (s.output_tokens === undefined) continue;
        outTok += s.output_tokens;
        promptTok += s.prompt_tokens ?? 0;
        genMs += s.ms;
        steps++;
    }
}
const wall = (performance.now() - t0) / 1000;
console.log(`items ${n} · model calls ${steps} · wall ${wall.toFixed(1)} s · ${(n / wall).toFixed(2)} items/s`);
console.log(`generated ${outTok} tokens, evaluated ${promptTok} prompt tokens`);
console.log(`tokens/s (generated tokens over generation wall time, prefill included): ${((outTok * 1000) / genMs).toFixed(1)}`);
await closeLab(lab);
closeMathWorker();
rmSync(sessions, { recursive: true, force: true });
