// The training screen in an 80x24 terminal, driven by keys with test/fixtures/fake-trainer.py: every state
// (form, editing, a refused start, live, asking, aborted, failed, done, past runs, help) fits it.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TrainingScreen } from "../views/training/TrainingScreen.js";
import { expectFits } from "./helpers/fit.js";
import { mountOn, until } from "./helpers/ink.js";

const FAKE = resolve("test/fixtures/fake-trainer.py");
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
const ENV = ["FAKE_TRAINER_STEP_MS", "FAKE_TRAINER_CRASH_AT", "FAKE_TRAINER_HANG_AT"];
afterEach(() => ENV.forEach((k) => delete process.env[k]));

function sessions(): string {
    const dir = mkdtempSync(join(tmpdir(), "rl-train-80x24-"));
    roots.push(dir);
    const data = join(dir, "curated-20250101-000000");
    mkdirSync(data);
    writeFileSync(join(data, "curation.json"), "{}");
    for (const f of ["sft.one-stage", "sft.reflector", "sft.corrector"]) for (const s of ["train", "eval"]) writeFileSync(join(data, `${f}.${s}.jsonl`), "{}\n{}\n{}\n");
    return dir;
}

/** The screen on an 80x24 terminal: Ink lays out to its columns, the screen reads its rows. */
const mount = (dir: string, props: Record<string, unknown> = {}) =>
    mountOn(<TrainingScreen sessionsDir={dir} python="python3" script={FAKE} onBack={() => {}} onQuit={() => {}} {...props} />, { pressMs: 30 });

/** No line wider than 80 columns, no frame taller than 24 rows; returns the frame. */
const fits = (frame: string): string => expectFits(frame).join("\n");

const DOWN = "\x1B[B";
const UP = "\x1B[A";
const ESC = "\x1B";

describe("the training screen at 80x24", () => {
    it("fits in every state: form, editing, refused start, live, asking, aborted, failed, done, past runs, help", async () => {
        const dir = sessions();
        const ui = mount(dir, { defaults: { hyper: { maxSteps: 6, saveSteps: 1 } } });
        try {
            // The form: a window of the fields (the title says which), the start row, the data line and the command.
            let f = fits(await until(ui.frame, (x) => x.includes("› setting"), "the form"));
            expect(f).toMatch(/training · new run · fields 1–\d+ of 22/);
            expect(f).toContain("▶ start training");
            expect(f).toContain("sft.one-stage: 3 train / 3 eval rows");
            expect(f).toContain("$ python3");
            expect(f).not.toMatch(/merge\s/);
            // The bar keeps its last keys (nothing cut to "?…").
            expect(f.trimEnd().split("\n").at(-1)).toMatch(/esc back · \? help · q quit$/);
            // Up from the first field wraps to the start row: the window follows to the last fields.
            await ui.press(UP);
            f = fits(await until(ui.frame, (x) => x.includes("› ▶ start training"), "the start row"));
            expect(f).toMatch(/merge\s+no/);
            expect(f).not.toMatch(/› setting/);
            expect(f).toMatch(/fields \d+–22 of 22/);

            // Typing into maxSteps: the field shows the text, the bar says how typing works.
            await ui.press(DOWN);
            for (let i = 0; i < 6; i++) await ui.press(DOWN);
            await ui.press("\r");
            await ui.press("x");
            f = fits(await until(ui.frame, (x) => /maxSteps\s+6x▌/.test(x), "typing"));
            expect(f).toContain("type · backspace deletes · enter accepts · esc cancels");
            await ui.press("\r");
            await ui.press("s");
            f = fits(await until(ui.frame, (x) => x.includes("maxSteps must be an integer >= 1") && !x.includes("$ python3"), "the refused start"));
            // Said once: the preview's problem is the start's reason.
            expect(f.split("maxSteps must be an integer").length).toBe(2);
            // Back to 6 and start: the fake hangs at step 3 (two checkpoints saved).
            await ui.press("\r");
            await ui.press("\x7f");
            await ui.press("\r");
            await until(ui.frame, (x) => /maxSteps\s+6\s/.test(x), "maxSteps 6 again");
            process.env.FAKE_TRAINER_STEP_MS = "30";
            process.env.FAKE_TRAINER_HANG_AT = "3";
            await ui.press("s");
            f = fits(await until(ui.frame, (x) => x.includes("2/6 steps") && x.includes("hanging"), "live, hanging"));
            expect(f).toMatch(/▶ running · elapsed \d+s/);
            expect(f).toContain("━ loss");
            expect(f).toContain("trainer.log");

            await ui.press(ESC);
            fits(await until(ui.frame, (x) => x.includes("y aborts it and goes back"), "asking before leaving"));
            await ui.press("x");
            await ui.press("a");
            f = fits(await until(ui.frame, (x) => x.includes("■ aborted"), "aborted"));
            expect(f).toContain("stopped at step 2/6 · r resumes from sft checkpoint-2");
            expect(f).not.toContain("waiting for the first logged step");

            // A crash with its trainer.log lines, then a resume to the end.
            delete process.env.FAKE_TRAINER_HANG_AT;
            process.env.FAKE_TRAINER_CRASH_AT = "3";
            await ui.press("n");
            await until(ui.frame, (x) => x.includes("training · new run"), "the form again");
            await ui.press("s");
            f = fits(await until(ui.frame, (x) => x.includes("✗ failed"), "failed"));
            expect(f).toContain("last lines of trainer.log (exit 3)");
            expect(f).toContain("stopped at step 2/6 · r resumes from sft checkpoint-2");
            await ui.press("r");
            f = fits(await until(ui.frame, (x) => x.includes("● done"), "done"));
            expect(f).toContain("6/6 steps");
            expect(f).toContain("result:");

            await ui.press("\t");
            f = fits(await until(ui.frame, (x) => x.includes("past runs (2)"), "past runs"));
            expect(f).toContain("■ aborted");
            expect(f).toContain("● done");

            await ui.press("?");
            f = fits(await until(ui.frame, (x) => x.includes("training · this screen"), "the help overlay"));
            expect(f).toContain("? or esc closes");
            await ui.press(ESC);
            fits(await until(ui.frame, (x) => x.includes("past runs (2)"), "past runs again"));
        } finally {
            ui.unmount();
        }
    });

    it("fits with a missing trainer environment (the long fix) and a two-stage run's stages", async () => {
        const dir = sessions();
        const ui = mount(dir, { python: "/no/such/venv/bin/python" });
        try {
            const f = fits(await until(ui.frame, (x) => x.includes("› setting"), "the form"));
            expect(f).toContain("the training environment is missing");
            expect(f).toContain("▶ start training");
        } finally {
            ui.unmount();
        }
        process.env.FAKE_TRAINER_STEP_MS = "20";
        process.env.FAKE_TRAINER_HANG_AT = "2";
        const two = mount(dir, { defaults: { setting: "two-stage", hyper: { maxSteps: 3 } } });
        try {
            await until(two.frame, (x) => x.includes("› setting"), "the form");
            await two.press("s");
            let f = fits(await until(two.frame, (x) => x.includes("1/3 steps") && x.includes("▶ 1/2 reflector"), "two-stage live"));
            expect(f).toContain("· 2/2 corrector");
            await two.press("a");
            f = fits(await until(two.frame, (x) => x.includes("■ aborted"), "aborted"));
            // No checkpoint (one every 50 steps by default): r is not offered.
            expect(f).toContain("stopped at reflector step 1/3 · no checkpoint yet (one every 50 steps)");
            expect(f).not.toContain("r resume");
        } finally {
            two.unmount();
        }
    });
});
