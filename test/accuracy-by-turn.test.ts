// Accuracy by turn up to 6 turns (ReflectEvo Fig. 4): one stored run with maxTurns 6, every
// Acc@t1..Acc@t6 and its 95% interval in `report` (table and JSON), against hand counts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatMessage } from "../src/backend/types.js";
import { wilson } from "../src/batch/metrics.js";
import { startBatch } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import { SettingsStore } from "../src/settings.js";
import { closeMathWorker } from "../src/verify/math.js";
import { addBatchCommands } from "../bin/batch.js";
import { tinyConfig } from "./helpers/batchTasks.js";
import { runCommand } from "./helpers/runCommand.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const dir = mkdtempSync(join(tmpdir(), "rl-acc-turns-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

/** The turn at which q<i>'s chain gets it right: [instruction 1-1-1 (traces), 2-2-2 (skims)]; 99 = never. */
const FIX: Record<number, [number, number]> = { 1: [2, 3], 2: [3, 99], 3: [4, 6], 4: [5, 2], 5: [6, 99], 6: [99, 4], 7: [99, 99] };

function model(m: ChatMessage[]): string {
    const i = Number(/What is (\d+) \+ 1/.exec(m[0]!.content)![1]);
    if (m.length === 1) return `Final answer: ${i === 0 ? 1 : 0}`;
    if (m.at(-1)!.content.startsWith("Your answer is incorrect")) return "A reflection.";
    const turn = (m.length - 1) / 4 + 1;
    const at = FIX[i]![m.at(-3)!.content.includes("tracing it step by step") ? 0 : 1];
    return `Final answer: ${turn >= at ? i + 1 : 0}`;
}

/*
 * By hand (oracle: a chain stops when right; an item scores the mean of its 2 chains; q0 right at t1):
 * alpha q0..q3: t1 1/4; t2 (1 + ½)/4; t3 (1 + 1 + ½)/4; t4 (1 + 1 + ½ + ½)/4; t5 same; t6 (1 + 1 + ½ + 1)/4.
 * beta q4..q7:  t1 0; t2 ½/4; t3 same; t4 (½ + ½)/4; t5 (1 + ½)/4; t6 (1 + ½ + ½)/4.
 */
const ALPHA = [0.25, 0.375, 0.625, 0.75, 0.75, 0.875];
const BETA = [0, 0.125, 0.125, 0.25, 0.375, 0.5];
const OVERALL = ALPHA.map((a, i) => (4 * a + 4 * BETA[i]!) / 8);

let run: string;
beforeAll(async () => {
    const tasks = join(dir, "t.jsonl");
    writeFileSync(tasks, [0, 1, 2, 3, 4, 5, 6, 7].map((i) => JSON.stringify({ id: `q${i}`, task: i < 4 ? "alpha" : "beta", question: `What is ${i} + 1?`, choices: null, answer: String(i + 1), answer_index: null, tests: null, test_setup: null, family: "text" })).join("\n") + "\n");
    run = join(dir, "run6");
    const config = tinyConfig(tasks, { parallel: 2, k: 1, maxTurns: 6, instructions: { kind: "fixed", keys: ["1-1-1", "2-2-2"] } });
    await startBatch({ config, out: run, hardware: { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null }, backend: scriptedParallel(2, model) });
});

const report = (args: string[]) => runCommand((p) => addBatchCommands(p, new SettingsStore()), ["report", run, ...args]);
const pct = (x: number) => (100 * x).toFixed(1);

describe("accuracy by turn, 6 turns", () => {
    it("stores chains of up to 6 turns", () => {
        const store = RunStore.open(run);
        try {
            expect(store.counts()).toMatchObject({ items: 8, done: 8, errors: 0, samples: 14 });
            const lengths = store.outcomes().flatMap((o) => o.chains.map((c) => c.length));
            expect(Math.max(...lengths)).toBe(6);
            // q7 never gets it right: both chains run all 6 turns; q1's traced chain stops at turn 2.
            expect(store.outcomes().find((o) => o.itemId === "q7")!.chains).toEqual([Array(6).fill(false), Array(6).fill(false)]);
            expect(store.outcomes().find((o) => o.itemId === "q1")!.chains).toEqual([[false, true], [false, false, true]]);
        } finally {
            store.close();
        }
    });

    it("gives every Acc@t1..Acc@t6 and its Wilson interval in the JSON, as counted by hand", async () => {
        const { out, code } = await report(["--json"]);
        expect(code).toBeUndefined();
        const m = JSON.parse(out).metrics;
        expect(m.maxTurns).toBe(6);
        for (const [g, want, n] of [[m.overall, OVERALL, 8], [m.perTask.alpha, ALPHA, 4], [m.perTask.beta, BETA, 4]] as const) {
            expect(g.n).toBe(n);
            expect(g.accByTurn).toHaveLength(6);
            expect(g.ciByTurn).toHaveLength(6);
            g.accByTurn.forEach((a: number, i: number) => expect(a).toBeCloseTo(want[i]!, 12));
            g.ciByTurn.forEach((ci: [number, number], i: number) => {
                const [lo, hi] = wilson(want[i]!, n);
                expect(ci[0]).toBeCloseTo(lo, 12);
                expect(ci[1]).toBeCloseTo(hi, 12);
            });
            expect(g.deltaLast).toBeCloseTo(want[5]! - want[0]!, 12);
            expect(g.delta12).toBeCloseTo(want[1]! - want[0]!, 12);
            // The pre-rename field stays in the JSON for older readers: it is deltaLast.
            expect(g.delta).toBe(g.deltaLast);
        }
        // By hand for one cell: Wilson of 0.6875 over 8 = [0.3558, 0.8976].
        expect(m.overall.ciByTurn[5][0]).toBeCloseTo(0.35575, 4);
        expect(m.overall.ciByTurn[5][1]).toBeCloseTo(0.89759, 4);
        expect(m.overall.flips).toEqual({ correctToIncorrect: 0, incorrectToCorrect: 9 });
    });

    it("prints all six turns and each turn's interval in the report table", async () => {
        const { out } = await report([]);
        expect(out).toMatch(/^task\s+N\s+samples\s+Acc@t1\s+Acc@t2\s+Acc@t3\s+Acc@t4\s+Acc@t5\s+Acc@t6\s+Δ\(t1,t2\)\s+Δ\(t1,t6\)\s+c→i\s+i→c$/m);
        expect(out).toMatch(/^overall\s+8\s+14\s+12\.5\s+25\.0\s+37\.5\s+50\.0\s+56\.3\s+68\.8\s+\+12\.5\s+\+56\.3\s+0\s+9$/m);
        expect(out).toMatch(/^alpha\s+4\s+\d+\s+25\.0\s+37\.5\s+62\.5\s+75\.0\s+75\.0\s+87\.5\s/m);
        expect(out).toMatch(/^beta\s+4\s+\d+\s+0\.0\s+12\.5\s+12\.5\s+25\.0\s+37\.5\s+50\.0\s/m);
        // The intervals table: one [lo, hi] per turn and row.
        expect(out).toMatch(/^95% CI\s+Acc@t1\s+Acc@t2\s+Acc@t3\s+Acc@t4\s+Acc@t5\s+Acc@t6$/m);
        for (const [name, want, n] of [["overall", OVERALL, 8], ["alpha", ALPHA, 4], ["beta", BETA, 4]] as const) {
            const cells = want.map((p) => wilson(p, n)).map(([lo, hi]) => `\\[${pct(lo)}, ${pct(hi)}\\]`.replace(/\./g, "\\."));
            expect(out).toMatch(new RegExp(`^${name}\\s+${cells.join("\\s+")}$`, "m"));
        }
    });
});
