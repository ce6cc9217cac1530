// End to end on the real default model: `teach --live` streaming into the presenter, its replay from
// the recorded session, the CLI, and the handout of a real recorded batch run opened in Chromium.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { render } from "ink-testing-library";
import stringWidth from "string-width";
import stripAnsi from "strip-ansi";
import type { ItemRecord } from "../src/engine/types.js";
import { closeLab, openLab, type Lab } from "../src/lab.js";
import { DEFAULT_SETTINGS } from "../src/settings.js";
import { loadTasks } from "../src/tasks/load.js";
import { loadTeachKit } from "../src/teach/kit.js";
import { LiveTeach, type LiveState } from "../src/teach/live.js";
import { pickExamples } from "../src/teach/pick.js";
import { openTeachSource } from "../src/teach/sources.js";
import type { Walkthrough } from "../src/teach/types.js";
import { closeMathWorker } from "../src/verify/math.js";
import { TeachApp } from "../views/teach/TeachApp.js";
import { domText, dumpDom } from "./helpers/chromium.js";

const run = promisify(execFile);
const cli = join(import.meta.dirname, "..", "bin", "reflect-lab.js");
const FIXTURE = join(import.meta.dirname, "fixtures", "evolve", "yesno.jsonl");
const dir = mkdtempSync(join(tmpdir(), "rl-e2e-teach-"));
const env = () => ({ ...process.env, REFLECT_LAB_CONFIG_DIR: mkdtempSync(join(dir, "conf-")), REFLECT_LAB_SESSIONS: mkdtempSync(join(dir, "sess-")) });
const kit = loadTeachKit();
const tick = (ms = 40) => new Promise((r) => setTimeout(r, ms));

afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

function expectFits(frame: string, columns: number, rows: number) {
    const lines = frame.split("\n");
    expect(lines.length).toBeLessThanOrEqual(rows);
    for (const l of lines) expect(stringWidth(stripAnsi(l)), l).toBeLessThanOrEqual(columns);
}

describe("teach --live on the real default model", () => {
    let lab: Lab;
    let failedId: string | null = null;
    beforeAll(async () => {
        lab = await openLab({ settings: { ...DEFAULT_SETTINGS, maxTokens: 64, instructions: "fixed:1-1-2" }, kind: "teach", sessionsDir: mkdtempSync(join(dir, "lab-")), endpoint: null, teacherEndpoint: null, reflectorEndpoint: null });
    }, 120_000);
    afterAll(async () => {
        if (lab) await closeLab(lab);
    });

    it("streams a failed item's loop into the presenter stage by stage, and the session replays it exactly", { timeout: 600_000 }, async () => {
        const items = (await loadTasks(FIXTURE)).items;
        expect(items.length).toBe(16);
        const states: LiveState[] = [];
        let ui: ReturnType<typeof render> | null = null;
        const app = (s: LiveState | null) => <TeachApp walkthrough={s?.walkthrough ?? null} live={{ pending: s?.pending ?? "loading…", onQuestion: () => {} }} speed="instant" columns={80} rows={24} onQuit={() => {}} />;
        ui = render(app(null));
        const driver = new LiveTeach(lab, kit, (s) => {
            states.push(s);
            ui!.rerender(app(s));
        }, 20);
        // The 135M model gets some yes/no items right at once; take the first it gets wrong.
        let record: ItemRecord | null = null;
        for (const item of items) {
            states.length = 0;
            const r = await driver.run(item);
            if (!r.correct_by_turn[0]) {
                record = r;
                break;
            }
        }
        expect(record, "the default model answered every fixture item right at turn 1").not.toBeNull();
        failedId = record!.item.id;
        const final = driver.current.walkthrough!;
        expect(final.stages.map((s) => s.kind)).toEqual(["answer", "verdict", "instruction", "reflection", "correction", "final", "summary"]);
        // Streaming: some state showed a model text shorter than it ended, and the stage list only grew.
        const finalText = new Map(final.stages.map((s) => [`${s.kind}${s.turn}`, s.text]));
        const partial = states.filter((s) => s.walkthrough?.stages.some((st) => st.streamed && finalText.has(`${st.kind}${st.turn}`) && st.text.length < finalText.get(`${st.kind}${st.turn}`)!.length && finalText.get(`${st.kind}${st.turn}`)!.startsWith(st.text)));
        expect(partial.length).toBeGreaterThan(0);
        const counts = states.map((s) => s.walkthrough?.stages.length ?? 0);
        expect(counts.length).toBeGreaterThan(5);
        for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
        expect(states.map((s) => s.pending)).toContain("the model is writing its self-reflection…");
        expect(driver.current.done).toBe(true);

        // The teacher walks through every stage with space: each shows its title and caption start, and fits 80x24.
        await tick();
        const seen: string[] = [];
        for (let i = 0; i < final.stages.length; i++) {
            const frame = ui.lastFrame() ?? "";
            expectFits(frame, 80, 24);
            const flat = stripAnsi(frame).replace(/\s+/g, " ");
            const st = final.stages[i]!;
            expect(flat, `stage ${i + 1} ${st.kind}`).toContain(st.title);
            expect(flat).toContain(st.caption.split(" ").slice(0, 5).join(" "));
            seen.push(st.kind);
            ui.stdin.write(" ");
            await tick();
        }
        expect(seen).toHaveLength(7);
        ui.unmount();

        // Replay from the recorded session: the same stages and texts, no model.
        const source = openTeachSource(lab.recorder.dir, kit);
        const entry = source.entries.find((e) => e.itemId === failedId);
        expect(entry).toBeDefined();
        const replayed: Walkthrough = entry!.open();
        expect(replayed.stages.map((s) => [s.kind, s.turn, s.text])).toEqual(final.stages.map((s) => [s.kind, s.turn, s.text]));
    });
});

describe("the teach command on real recordings", () => {
    it("teach --live --question runs a typed question headless and exports its handout", { timeout: 300_000 }, async () => {
        const e = env();
        const out = join(dir, "typed.md");
        const { stderr } = await run(process.execPath, [cli, "teach", "--live", "--question", "Is the Sun a planet?", "--expected", "B", "--type", "mc", "--choices", "Yes|No", "--max-tokens", "64", "--export", out], { env: e, timeout: 280_000 });
        expect(stderr).toMatch(/model SmolLM2-135M-Instruct\.Q4_1\.gguf · cpu/);
        expect(stderr).toMatch(/wrote .*typed\.md \(md, 1 walkthrough/);
        const md = readFileSync(out, "utf8");
        expect(md).toContain("Is the Sun a planet?");
        expect(md).toMatch(/\*\*(CORRECT|INCORRECT)\*\*/);
        expect(stderr).toMatch(/replay: reflect-lab teach --replay /);
    });

    it("a real batch run's chains export as an HTML handout that Chromium renders stage by stage", { timeout: 900_000 }, async () => {
        const e = env();
        const runDir = join(dir, "run");
        await run(process.execPath, [cli, "batch", "-t", FIXTURE, "--limit", "6", "-k", "1", "--instructions", "fixed:1-1-2", "--max-tokens", "64", "-P", "3", "--out", runDir], { env: e, timeout: 800_000 });
        const source = openTeachSource(runDir, kit);
        const outcomes = ["corrected", "not-corrected", "right-first"] as const;
        const picked = pickExamples(source, { outcomes: [...outcomes], perTask: 2 });
        source.close();
        expect(picked.length).toBeGreaterThan(0);
        const file = join(dir, "run.html");
        const { stderr } = await run(process.execPath, [cli, "teach", "--run", runDir, "--outcome", outcomes.join(","), "--max", "2", "--export", file], { env: e, timeout: 120_000 });
        expect(stderr).toContain(`${picked.length} walkthrough`);
        const dom = await dumpDom(file);
        const sections = [...dom.matchAll(/<section class="stage" data-stage="([a-z]+)" data-turn="(\d+)">\s*<h3>([^<]*)<\/h3>/g)];
        const stages = picked.flatMap((p) => p.walkthrough.stages);
        expect(sections).toHaveLength(stages.length);
        sections.forEach((m, i) => expect([m[1], m[3]]).toEqual([stages[i]!.kind, domText(stages[i]!.title)]));
        for (const p of picked) expect(dom).toContain(domText(p.walkthrough.item.question));
    });
});
