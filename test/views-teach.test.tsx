// Teaching mode's presenter on the fixture's three recorded chains: every stage shown with its title
// and caption, the keys, the 80x24 fit (long outputs too), the reflection beside its instruction,
// the diff markers, the typewriter with real timers, and live mode with a growing walkthrough.
import { afterEach, describe, expect, it } from "vitest";
import { render } from "ink-testing-library";
import stringWidth from "string-width";
import stripAnsi from "strip-ansi";
import { loadTeachKit } from "../src/teach/kit.js";
import { openTeachSource } from "../src/teach/sources.js";
import type { Stage, Walkthrough } from "../src/teach/types.js";
import { HIDDEN_PROMPT } from "../views/teach/bodies/verdict.js";
import { TEACH_KEYS } from "../views/teach/keys.js";
import { Presenter } from "../views/teach/Presenter.js";
import { runTeach, type TeachHandle } from "../views/teach/run.js";
import { TeachApp, type TeachAppProps } from "../views/teach/TeachApp.js";
import { createTeachStore } from "../views/teach/teachStore.js";
import { expectFits } from "./helpers/fit.js";
import { FakeStdin, FakeStdout, until } from "./helpers/ink.js";

const source = openTeachSource("test/fixtures/teach/set.jsonl", loadTeachKit());
const walks = source.entries.map((e) => e.open());
const corrected = walks.find((w) => w.outcome === "corrected")!;
const notCorrected = walks.find((w) => w.outcome === "not-corrected")!;
const rightFirst = walks.find((w) => w.outcome === "right-first")!;

const KEY = { space: " ", back: "\x7f", left: "\u001B[D", up: "\u001B[A", down: "\u001B[B", esc: "\u001B", ctrlC: "\x03", enter: "\r" };
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
/** Ink subscribes a view it just switched to once React has run its effects: a key sent sooner can go unheard. */
const settle = () => tick(150);
const noop = () => {};

let mounted: ReturnType<typeof render> | null = null;
afterEach(() => void (mounted?.unmount(), (mounted = null)));

function mount(el: React.ReactElement) {
    const ui = render(el);
    mounted = ui;
    const frame = () => stripAnsi(ui.lastFrame() ?? "");
    const press = async (k: string, times = 1) => {
        for (let i = 0; i < times; i++) ui.stdin.write(k), await tick();
    };
    /** The frame holds every one of `texts`. */
    const has = (...texts: string[]) => texts.forEach((t) => expect(frame()).toContain(t));
    /** Presses `k`, then checks the frame. */
    const step = async (k: string, ...texts: string[]) => (await press(k), has(...texts));
    /** Presses `k` after a view switch, waits for the next view's keys, checks the frame. */
    const go = async (k: string, ...texts: string[]) => (await press(k), await settle(), has(...texts));
    /** A new walkthrough or live state from the driver, then checks the frame. */
    const update = async (p: Partial<TeachAppProps>, ...texts: string[]) => (ui.rerender(app(p)), await tick(), has(...texts));
    return { ui, frame, press, has, step, go, update };
}

const app = (p: Partial<TeachAppProps>) => <TeachApp speed="instant" columns={80} rows={24} onQuit={noop} {...p} />;

/** A presenter on `w`, moved forward with space to its first stage of `kind`. */
async function openAt(w: Walkthrough, kind: Stage["kind"] | null, p: Partial<TeachAppProps> = {}) {
    const m = mount(app({ walkthrough: w, ...p }));
    await tick();
    await m.press(KEY.space, kind ? w.stages.findIndex((s) => s.kind === kind) : 0);
    return m;
}

/** The frame as one line of words: wrapped text (captions) can be searched whole. */
const words = (s: string) => s.replace(/[▎│]/g, " ").replace(/\s+/g, " ");

describe("presenter on the fixture", () => {
    it("shows every stage of every chain with its title and caption, within 80x24 (space forward)", async () => {
        expect([corrected, notCorrected, rightFirst].map((w) => w.stages.length)).toEqual([7, 7, 3]);
        const full = "answer verdict instruction reflection correction final summary";
        expect(walks.map((w) => w.stages.map((s) => s.kind).join(" "))).toEqual([full, full, "answer verdict summary"]);
        for (const w of walks) {
            const { frame, press, has } = mount(app({ walkthrough: w }));
            await tick();
            const n = w.stages.length;
            for (const [i, stage] of w.stages.entries()) {
                has(`stage ${i + 1}/${n}`, stage.title);
                expect(words(frame())).toContain(words(stage.caption));
                expectFits(frame());
                await press(KEY.space);
            }
            // Past the last stage nothing breaks: the frame says so.
            has(`stage ${n}/${n}`, "the end of this walkthrough");
            mounted!.unmount();
        }
    });

    it("goes back with backspace and ←, and shows the question pinned on every stage", async () => {
        const { has, step } = await openAt(corrected, "instruction");
        has("stage 3/7");
        await step(KEY.back, "stage 2/7");
        await step(KEY.left, "stage 1/7");
        await step(KEY.back, "this is the first stage", "Can a chess player have two queens", "A. Yes   B. No");
    });

    it("hides verdicts until v (space reveals too), and h toggles hiding", async () => {
        const { frame, press, has, step } = await openAt(corrected, "verdict", { hideVerdicts: true });
        has("Turn 1 · the verdict", HIDDEN_PROMPT, "v reveal");
        expect(frame()).not.toContain("INCORRECT");
        // The caption would give it away: it waits too.
        expect(words(frame())).not.toContain(words(corrected.stages[1]!.caption));
        await step("v", "✗ INCORRECT");
        expect(frame()).not.toContain(HIDDEN_PROMPT);
        // Per stage: the final verdict is still hidden; space reveals it before moving on.
        await press(KEY.space, 4);
        has("stage 6/7", HIDDEN_PROMPT);
        await step(KEY.space, "stage 6/7", "✓ CORRECT");
        await press(KEY.back, 4);
        has("stage 2/7", "✗ INCORRECT");
        await step("h", "verdicts shown");
        await press(KEY.space);
        await step("h", "verdicts hidden");
    });

    it("shows the reflection's parts beside the instruction stages they answer", async () => {
        const stage = corrected.stages.find((s) => s.kind === "reflection")!;
        expect(stage.alignment!.map((p) => p.stage).filter((s) => s !== null)).toEqual([0, 1, 2]);
        const f = (await openAt(corrected, "reflection")).frame();
        expect(f).toMatch(/^1 Verify\s+│ 1\. I will check my previous response/m);
        expect(f).toMatch(/^2 Diagnose\s+│ 2\. I'm looking for a more detailed/m);
        expect(f).toMatch(/^3 Plan\s+│ 3\. It seems there's only one possible/m);
        expect(f).toMatch(/^ {2}by skimming it as a whole\s+│/m);
        // The left column is 30 wide at 80 columns: the separator sits in column 31.
        for (const l of f.split("\n").filter((l) => l.includes("│ "))) expect(stringWidth(l.slice(0, l.indexOf("│")))).toBe(31);
        mounted!.unmount();
        // A reflection no part of which aligns is shown as written, with a note.
        (await openAt(notCorrected, "reflection")).has("could be matched to the instruction's stages", "Q: Yes, two queens on the board can be joined");
    });

    it("marks removed and added words on the correction stage, with the legend; ends on the summary card", async () => {
        const { has, step } = await openAt(corrected, "correction");
        has("Turn 2 · the corrected answer", "[-A: No-]", "2 words removed · 0 added", "legend: [-removed-] red, struck out · {+added+} green, bold");
        await step(KEY.space);
        await step(KEY.space, "✓ CORRECTED", "turn 1 ✗ wrong (none read)  →  turn 2 ✓ right (A)", "Named the real error:");
        mounted!.unmount();
        (await openAt(notCorrected, "correction")).has("Q: Yes{+, two queens can be joined by one of them");
    });
});

/** Every text of a walkthrough made long: a model that rambles, wide characters, tabs, a long question. */
function longWalkthrough(w: Walkthrough): Walkthrough {
    const ramble = (seed: string) => `${seed}\n` + Array.from({ length: 60 }, (_, i) => `line ${i}\tword${"x".repeat(i % 7 === 0 ? 120 : 3)} 中文字符 ${seed}`).join(" ");
    const stages: Stage[] = w.stages.map((s) => ({ ...s, text: ramble(s.text), caption: `${s.caption} ${"and more ".repeat(40)}`, alignment: s.alignment?.map((p) => ({ ...p, text: ramble(p.text) })),
        diff: s.diff?.flatMap((p) => [p, { op: "add" as const, text: ` ${ramble("added")} ` }, { op: "del" as const, text: ramble("gone") }]),
        verdict: s.verdict ? { ...s.verdict, reason: ramble(s.verdict.reason) } : undefined, summary: s.summary ? { ...s.summary, lines: s.summary.lines.map(ramble) } : undefined }));
    return { ...w, item: { ...w.item, question: "Why? ".repeat(200), choices: ["a very long choice ".repeat(8), "B"] }, stages };
}

describe("fit", () => {
    it("fits every stage of every entry at 80x24 and 60x16, even with long model outputs", () => {
        for (const [columns, rows] of [[80, 24], [60, 16]] as const)
            for (const w of [...walks, ...walks.map(longWalkthrough)])
                for (let i = 0; i < w.stages.length; i++) {
                    const store = createTeachStore({ speed: "instant" });
                    store.setState({ index: i });
                    const ui = render(<Presenter walkthrough={w} store={store} columns={columns} rows={rows} onAction={noop} />);
                    const f = stripAnsi(ui.lastFrame() ?? "");
                    expect(f).toContain(`stage ${i + 1}/${w.stages.length}`);
                    expectFits(f, columns, rows);
                    ui.unmount();
                }
    });

    it("scrolls a long stage with ↑/↓ and says what is above and below", async () => {
        const { frame, press, step } = await openAt(longWalkthrough(corrected), null);
        expect(frame()).toMatch(/↓ \d+ more lines/);
        // The question keeps 3 rows (under the header), the last one cut with …
        expect(frame().split("\n").slice(1, 5).map((l) => l.startsWith("Why? Why?"))).toEqual([true, true, true, false]);
        expect(frame().split("\n")[3]).toMatch(/…$/);
        await press(KEY.down, 2);
        expect(frame()).toMatch(/↑ 2 lines above · ↓ \d+ more lines/);
        await step(KEY.up, "↑ 1 line above");
    });

    it("shows every key in the help overlay, within 80x24", async () => {
        const { frame, press, step } = await openAt(corrected, null, { source, onExport: async () => [], live: { pending: null, onQuestion: noop }, onBack: noop });
        await press("?");
        // All but side by side: a walkthrough given as a prop has no gallery entry to find siblings of.
        for (const k of TEACH_KEYS.filter((k) => k.id !== "side")) expect(words(frame())).toContain(words(k.description).slice(0, 30));
        expectFits(frame());
        await step(KEY.space, "(? or esc closes)");
        await step(KEY.esc, "stage 1/7");
        expect(frame()).not.toContain("(? or esc closes)");
    });
});

describe("pacing", () => {
    it("changes speed with - and +, and shows pause in the footer", async () => {
        const { press, has, step } = await openAt(corrected, null, { speed: "slow" });
        has("▶ slow -+");
        await step("+", "▶ readable -+");
        await press("+", 3);
        has("▶ instant -+");
        await step("-", "▶ fast -+");
        await step("p", "⏸ paused · fast -+");
        await step("p", "▶ fast -+");
    });

    it("types a streamed stage out with real timers: pause stops it, resume goes on, space completes then advances", async () => {
        const store = createTeachStore({ speed: "slow" });
        const full = 'The answer is "B".';
        const { frame, press, has, step } = mount(<Presenter walkthrough={rightFirst} store={store} columns={80} rows={24} onAction={noop} />);
        await until(() => store.getState().typed, (n) => n >= 3, "typing to start");
        has("▌");
        expect(frame()).not.toContain(full);
        await step("p", "⏸ paused");
        const [typed, paused] = [store.getState().typed, frame()];
        await tick(300);
        expect(store.getState().typed).toBe(typed);
        expect(frame()).toBe(paused);
        await press("p");
        await until(() => store.getState().typed, (n) => n > typed + 2, "typing to resume");
        expect(store.getState().typed).toBeLessThan(rightFirst.stages[0]!.text.length);
        await step(KEY.space, full, "stage 1/3");
        expect(frame()).not.toContain("▌");
        await step(KEY.space, "stage 2/3");
        // Back to a stage already shown: whole at once, not typed again.
        await step(KEY.back, full);
    });
});

/** The corrected chain as a live driver would show it after `n` stages, the last one cut to `chars`. */
function partial(n: number, chars?: number): Walkthrough {
    const stages = corrected.stages.slice(0, n).map((s, i) => (i === n - 1 && chars !== undefined ? { ...s, text: s.text.slice(0, chars), alignment: [{ stage: null, label: "", text: s.text.slice(0, chars) }] } : s));
    return { ...corrected, source: { kind: "live", path: "sessions/live", itemId: corrected.item.id }, stages };
}

describe("live mode", () => {
    it("keeps the stage index as the walkthrough grows, waits at the end, and opens the next stage when it comes", async () => {
        const live = { pending: "the model is writing its self-reflection…", onQuestion: noop };
        const { update, frame, has, step } = await openAt(partial(4, 20), "reflection", { live });
        has("stage 4/4+", "● the model is writing its self-reflection…", "1. I will check my p");
        // The reflection grows, then the correction starts: the teacher stays on the reflection.
        await update({ walkthrough: partial(4, 120), live }, "stage 4/4+", "ensure it is correct");
        await update({ walkthrough: partial(5), live: { ...live, pending: "the model is writing its corrected answer…" } }, "stage 4/5+");
        expect(frame()).toMatch(/1 Verify\s+│ 1\. I will check/);
        await step(KEY.space, "stage 5/5+");
        await step(KEY.space, "stage 5/5+", "waiting for the model");
        await update({ walkthrough: partial(6), live: { ...live, pending: null } }, "stage 6/6", "✓ CORRECT");
        expectFits(frame());
    });

    it("asks a new question with n (live only): the form hands it to the driver", async () => {
        const asked: unknown[] = [];
        const live = { pending: null, onQuestion: (q: unknown) => asked.push(q) };
        const { update, press, go } = await openAt(partial(2), "verdict", { live });
        await go("n", "your own question");
        await go(KEY.esc, "stage 2/2");
        await go("n");
        for (const k of ["Is 17 a prime number?", KEY.enter, "yes", KEY.enter, KEY.left, KEY.enter]) await press(k);
        await settle();
        expect(asked).toEqual([{ question: "Is 17 a prime number?", answer: "yes", family: "text", choices: null }]);
        await update({ walkthrough: null, live: { ...live, pending: "the model is writing its first answer…" } }, "● the model is writing its first answer…", "waiting for the model");
        mounted!.unmount();
        await (await openAt(corrected, null)).step("n", "stage 1/7");
    });
});

describe("teach app", () => {
    it("exports, quits with q and ctrl+c, goes back with esc when embedded", async () => {
        const calls = { quit: 0, back: 0 };
        const onExport = async (w: Walkthrough) => (expect(w).toBe(corrected), ["handouts/a.md", "handouts/a.html"]);
        const { frame, press } = await openAt(corrected, null, { onExport, onQuit: () => calls.quit++, onBack: () => calls.back++ });
        await press("x");
        await until(frame, (f) => f.includes("wrote handouts/a.md, handouts/a.html"), "the export message");
        for (const k of [KEY.esc, "q", KEY.ctrlC]) await press(k);
        expect(calls).toEqual({ quit: 2, back: 1 });
    });

    it("starts on the gallery with a source, opens an entry, goes side by side on its sibling and back", async () => {
        const { frame, press, has, go } = mount(app({ source }));
        await settle();
        has("gallery");
        // "s" right after the switch: the gallery's listener may still be subscribed when it arrives. Heard
        // by the presenter or by nobody; had the gallery taken it, esc would lead back to the gallery.
        await press(KEY.enter);
        await go("s");
        if (!frame().includes("side by side")) await go("s");
        has("side by side");
        await go(KEY.esc, "stage 1/7", "g gallery", "s side");
        await press(KEY.space);
        await go("g", "gallery");
        await go(KEY.esc, "stage 2/7"); // back to the open walkthrough, where the teacher was
    });

    it("runTeach renders until q and takes prop updates", async () => {
        const [stdout, stdin] = [Object.assign(new FakeStdout(), { columns: 80, rows: 25 }), new FakeStdin()];
        let handle: TeachHandle | null = null;
        const done = runTeach({ walkthrough: corrected, speed: "instant", stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, onReady: (h) => (handle = h) });
        await until(() => stdout.out, (o) => o.includes("stage 1/7"), "the first frame");
        handle!.update({ walkthrough: rightFirst });
        await until(() => stdout.out, (o) => o.includes("stage 1/3"), "the updated frame");
        await (stdin.write("q"), done);
    });
});
