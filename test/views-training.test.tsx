// The training screen driven by keys, with test/fixtures/fake-trainer.py as the trainer.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { render } from "ink-testing-library";
import { TrainingScreen } from "../views/training/TrainingScreen.js";
import { brailleChart, sparkline } from "../views/training/chart.js";
import { until } from "./helpers/ink.js";

const FAKE = resolve("test/fixtures/fake-trainer.py");
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
const ENV = ["FAKE_TRAINER_STEP_MS", "FAKE_TRAINER_CRASH_AT", "FAKE_TRAINER_HANG_AT", "FAKE_TRAINER_STEPS"];
afterEach(() => ENV.forEach((k) => delete process.env[k]));

function sessions(): { dir: string; data: string } {
    const dir = mkdtempSync(join(tmpdir(), "rl-views-train-"));
    roots.push(dir);
    const data = join(dir, "curated-20250101-000000");
    mkdirSync(data);
    writeFileSync(join(data, "curation.json"), "{}");
    for (const f of ["sft.one-stage", "sft.reflector", "sft.corrector", "pref.dpm"]) for (const s of ["train", "eval"]) writeFileSync(join(data, `${f}.${s}.jsonl`), "{}\n{}\n{}\n");
    return { dir, data };
}

const UP = "\x1B[A";
const DOWN = "\x1B[B";
const RIGHT = "\x1B[C";
const ESC = "\x1B";

function mount(dir: string, extra: Record<string, unknown> = {}) {
    const calls = { back: 0, quit: 0 };
    // 40 rows: every field of the form shows (test/views-training-80x24.test.tsx has the small terminal).
    const ui = render(<TrainingScreen sessionsDir={dir} python="python3" script={FAKE} rows={40} onBack={() => calls.back++} onQuit={() => calls.quit++} {...extra} />);
    const frame = () => ui.lastFrame() ?? "";
    const press = async (keys: string) => {
        ui.stdin.write(keys);
        await new Promise((r) => setTimeout(r, 30));
    };
    return { ui, frame, press, calls };
}

const grandchildGone = (out: string) => {
    const g = Number(readFileSync(join(out, "grandchild.pid"), "utf8"));
    try {
        return ["Z", "X"].includes(readFileSync(`/proc/${g}/stat`, "utf8").split(") ")[1]![0]!);
    } catch {
        return true;
    }
};

describe("chart helpers", () => {
    it("draws a falling line in braille and a sparkline", () => {
        const c = brailleChart([{ points: [[1, 2], [2, 1], [3, 0.5]] }], 10, 3);
        expect(c.rows).toHaveLength(3);
        const text = c.rows.map((r) => r.map((s) => s.text).join(""));
        expect(text.every((l) => l.length === 10)).toBe(true);
        expect(text[0]![0]).not.toBe(" ");
        expect(text[2]!.at(-1)).not.toBe(" ");
        expect([c.yMin, c.yMax, c.xMin, c.xMax]).toEqual([0.5, 2, 1, 3]);
        expect(sparkline([3, 2, 1])).toBe("█▅▁");
    });
});

describe("the training screen", () => {
    it("prefills the form from the setting's defaults, previews the command, runs live, aborts the tree, resumes, shows a crash and past runs", async () => {
        const { dir, data } = sessions();
        // A checkpoint every step: the abort and the crash below leave one, so r resumes from it.
        const { ui, frame, press, calls } = mount(dir, { defaults: { hyper: { saveSteps: 1 } } });
        try {
            let f = await until(frame, (x) => x.includes("training · new run") && x.includes("› setting"), "the form");
            expect(f).toMatch(/setting\s+‹ one-stage ›/);
            expect(f).toContain(data.slice(-20));
            expect(f).toMatch(/base\s+default/);
            expect(f).toMatch(/lr\s+1e-3/);
            expect(f).toMatch(/loraR\s+8/);
            expect(f).not.toMatch(/beta\s/);
            expect(f).toContain("sft.one-stage: 3 train / 3 eval rows");
            expect(f).toContain(`$ python3 ${FAKE} --setting one-stage`);

            // DPO on D±: the defaults follow (lr, beta, grad-accum), and the preview with them.
            await press(RIGHT);
            await press(RIGHT);
            await press(RIGHT);
            f = await until(frame, (x) => /setting\s+‹ dpo-pm ›/.test(x), "dpo-pm");
            expect(f).toMatch(/lr\s+5e-7/);
            expect(f).toMatch(/beta\s+0\.01/);
            expect(f).toMatch(/gradAccum\s+32/);
            expect(f).toContain("--beta 0.01");
            // dpo-pref has no data in this folder: the form says so.
            await press("\x1B[D");
            f = await until(frame, (x) => /setting\s+‹ dpo-pref ›/.test(x), "dpo-pref");
            expect(f).toContain("pref.dpref.train.jsonl missing");
            // Back to one-stage; maxSteps typed by hand (q is a character while typing).
            await press("\x1B[D");
            await press("\x1B[D");
            await until(frame, (x) => /setting\s+‹ one-stage ›/.test(x), "one-stage");
            for (let i = 0; i < 6; i++) await press(DOWN);
            await press("\r");
            await press("q");
            await until(frame, (x) => /maxSteps\s+q▌/.test(x), "typing");
            await press("\x7f");
            await press("6");
            await press("\r");
            f = await until(frame, (x) => x.includes("--max-steps 6"), "the preview with --max-steps");
            expect(f).toMatch(/maxSteps\s+6/);

            // Start; the fake hangs at step 4 with a grandchild: live progress and loss, then abort.
            process.env.FAKE_TRAINER_STEP_MS = "30";
            process.env.FAKE_TRAINER_HANG_AT = "4";
            await press("s");
            f = await until(frame, (x) => x.includes("▶ running") && x.includes("3/6 steps") && x.includes("━ loss 1.33"), "live progress");
            expect(f).toContain("1/1 sft (40 rows)");
            expect(f).toContain("512 tok/s");
            expect(f).toMatch(/ETA \d+s/);
            expect(f).toMatch(/[\u2801-\u28ff]/);
            expect(f).toContain("a abort");
            const runs = readdirSync(dir).filter((d) => d.startsWith("train-"));
            expect(runs).toHaveLength(1);
            const out = join(dir, runs[0]!);
            await until(() => String(existsSync(join(out, "grandchild.pid"))), (x) => x === "true", "the grandchild");
            // Esc while it runs asks first; another key stays.
            await press(ESC);
            await until(frame, (x) => x.includes("a trainer is running: y aborts it"), "the confirmation");
            await press("x");
            await until(frame, (x) => !x.includes("y aborts it"), "staying");
            expect(calls.back).toBe(0);
            await press("a");
            f = await until(frame, (x) => x.includes("■ aborted"), "aborted");
            expect(grandchildGone(out)).toBe(true);
            expect(f).toContain("stopped at step 3/6 · r resumes from sft checkpoint-3");
            expect(f).toContain("r resume · n new run");

            // Resume: continues from the earlier curve to the end.
            delete process.env.FAKE_TRAINER_HANG_AT;
            await press("r");
            f = await until(frame, (x) => x.includes("● done") && x.includes("6/6 steps"), "the resumed run done");
            expect(f).toContain(`adapter (sft) ${join(out, "sft", "adapter")}`);
            expect(f).toContain("result:");
            expect(JSON.parse(readFileSync(join(out, "request.json"), "utf8")).launches).toBe(2);

            // A new run that crashes: reason and last lines; resume finishes it.
            process.env.FAKE_TRAINER_CRASH_AT = "2";
            await press("n");
            f = await until(frame, (x) => x.includes("training · new run"), "the form again");
            expect(f).not.toContain(out + " ");
            await press("s");
            f = await until(frame, (x) => x.includes("✗ failed"), "the crash");
            expect(f).toContain("✗ failed: RuntimeError: CUDA out of memory at step 2 (exit code 3)");
            expect(f).toContain("last lines of trainer.log (exit 3)");
            expect(f).toContain("RuntimeError: CUDA out of memory at step 2");
            expect(f).toContain("stopped at step 1/6 · r resumes from sft checkpoint-1");
            await press("r");
            await until(frame, (x) => x.includes("● done"), "the crashed run resumed");

            // Past runs: both done now, newest first, with their curves; enter opens one.
            await press("\t");
            f = await until(frame, (x) => x.includes("past runs (2)"), "past runs");
            expect(f.match(/● done/g)?.length).toBe(2);
            expect(f).toMatch(/sft 6\/6/);
            expect(f).toMatch(/[▁▂▃▄▅▆▇█]{3}/);
            await press(DOWN);
            await press("\r");
            f = await until(frame, (x) => x.includes("● done") && x.includes(out), "the older run opened");
            await press("\t");
            await until(frame, (x) => x.includes("past runs (2)"), "past runs again");
            await press(UP);
            await press("r");
            await until(frame, (x) => x.includes("nothing to resume"), "a done run is not resumed");

            await press(ESC);
            expect(calls.back).toBe(1);
        } finally {
            ui.unmount();
        }
    });

    it("q while a trainer runs aborts its tree first, then quits; esc then y aborts and goes back", async () => {
        const { dir } = sessions();
        process.env.FAKE_TRAINER_STEP_MS = "20";
        process.env.FAKE_TRAINER_HANG_AT = "2";
        const a = mount(dir, { defaults: { setting: "two-stage", hyper: { maxSteps: 5, lr: 3e-4 } } });
        let out = "";
        try {
            const f = await until(a.frame, (x) => x.includes("› setting"), "the form");
            expect(f).toMatch(/setting\s+‹ two-stage ›/);
            expect(f).toMatch(/lr\s+3e-4/);
            expect(f).toContain("sft.reflector: 3 train / 3 eval rows · sft.corrector: 3 train / 3 eval rows");
            await a.press("s");
            await until(a.frame, (x) => x.includes("1/5 steps") && x.includes("▶ 1/2 reflector"), "running");
            out = join(dir, readdirSync(dir).find((d) => d.startsWith("train-"))!);
            await until(() => String(existsSync(join(out, "grandchild.pid"))), (x) => x === "true", "the grandchild");
            await a.press("q");
            await until(() => String(a.calls.quit), (x) => x === "1", "quit");
            expect(grandchildGone(out)).toBe(true);
            expect(JSON.parse(readFileSync(join(out, "exit.json"), "utf8")).status).toBe("aborted");
        } finally {
            a.ui.unmount();
        }

        const b = mount(dir);
        try {
            await until(b.frame, (x) => x.includes("› setting"), "the form");
            await b.press("s");
            await until(b.frame, (x) => x.includes("▶ running") && x.includes("1/10 steps"), "running");
            const second = readdirSync(dir).filter((d) => d.startsWith("train-")).map((d) => join(dir, d)).find((d) => d !== out)!;
            await until(() => String(existsSync(join(second, "grandchild.pid"))), (x) => x === "true", "the grandchild");
            await b.press(ESC);
            await until(b.frame, (x) => x.includes("y aborts it"), "the confirmation");
            await b.press("y");
            await until(() => String(b.calls.back), (x) => x === "1", "back");
            expect(grandchildGone(second)).toBe(true);
            // The aborted runs are listed as such.
            await b.press("\t");
            const f = await until(b.frame, (x) => x.includes("past runs (2)"), "past runs");
            expect(f.match(/■ aborted/g)?.length).toBe(2);
        } finally {
            b.ui.unmount();
        }
    });
});
