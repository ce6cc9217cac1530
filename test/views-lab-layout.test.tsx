// The lab screen's pure parts: turns and folds, the step area and its window, the frame's row
// budget at 80x24 and smaller, the view reducer, the key mapping, the instruction's scope, the
// header's pending markers and the key bar that fits 80 columns.
import { describe, expect, it } from "vitest";
import stringWidth from "string-width";
import type { StepRecord } from "../src/engine/types.js";
import { DEFAULT_SETTINGS } from "../src/settings.js";
import { barItemsFitting } from "../views/HelpBar.js";
import { helpBarItems } from "../views/keymap.js";
import { stepCard } from "../views/lab/cards.js";
import { headerLines } from "../views/lab/headerLines.js";
import { labFrame } from "../views/lab/layout.js";
import { instructionScope, recordOutcome } from "../views/lab/phaseText.js";
import { questionBlock } from "../views/lab/questionLines.js";
import { stepArea, stepWindow, type BodyRow } from "../views/lab/stepArea.js";
import { groupTurns } from "../views/lab/turns.js";
import { labKeyAction } from "../views/lab/useLabKeys.js";
import { INITIAL_VIEW, labViewReducer } from "../views/lab/viewState.js";
import type { Line } from "../views/lines.js";
import type { ItemRecord } from "../src/engine/types.js";

const text = (l: Line) => l.map((s) => s.text).join("");
const verdict = (correct: boolean) => ({ correct, reason: correct ? "equal" : "not equal", extracted: "x", mode: "oracle" as const });
let clock = 0;
function st(kind: StepRecord["kind"], turn: number, extra: Partial<StepRecord> = {}): StepRecord {
    const base: StepRecord = { kind, turn, sample_index: 0, ms: 5, started_at: String(clock++) };
    if (kind === "verify") return { ...base, verdict: verdict(false), ...extra };
    return { ...base, output: `${kind} of turn ${turn}\nFinal answer: ${turn}`, output_tokens: 4, tokens_per_second: 20, stop_reason: "eos", ...extra };
}

/** Turn 1 wrong, a reflection re-rolled twice (the first sample had led to a right answer), the third in effect. */
function rerolled(): StepRecord[] {
    return [
        st("answer", 1),
        st("verify", 1),
        st("reflect", 1, { instruction_key: "1-3-2", superseded: true }),
        st("correct", 2, { superseded: true }),
        st("verify", 2, { verdict: verdict(true), superseded: true }),
        st("reflect", 1, { instruction_key: "1-4-1", sample_index: 1, superseded: true }),
        st("reflect", 1, { instruction_key: "2-1-1", sample_index: 2 })
    ];
}

describe("turns", () => {
    it("opens a turn with the reflection before it and folds re-rolled chains where they were written", () => {
        const turns = groupTurns(rerolled());
        expect(turns.map((t) => t.turn)).toEqual([1, 2]);
        expect(turns[0]!.steps.map((s) => s.kind)).toEqual(["answer", "verify"]);
        expect(turns[0]!.folds).toHaveLength(0);
        expect(turns[1]!.steps.map((s) => s.instruction_key)).toEqual(["2-1-1"]);
        const folds = turns[1]!.folds;
        expect(folds).toHaveLength(2);
        expect(folds.map((f) => [f.instructionKey, f.steps.length, f.correct])).toEqual([
            ["1-3-2", 3, true],
            ["1-4-1", 1, undefined]
        ]);
    });
});

describe("the step area", () => {
    it("pins the earlier turn as one line and the superseded samples as a counted line, cards the rest", () => {
        const a = stepArea({ steps: rerolled(), live: null, expanded: false, width: 80, spin: "*" });
        expect(a.pinned.map(text)).toEqual(["▸ turn 1 · ✗ incorrect · Final answer: 1", "↻ re-rolled ×2 · superseded: [1-3-2] → ✓ · [1-4-1] → … · e shows"]);
        const rows = a.rows.map((r) => text(r.line));
        expect(rows).toHaveLength(3);
        expect(rows[0]).toMatch(/^▌reflection \[2-1-1\] · after turn 1 · sample 3 +4 tok · 20\.0 tok\/s · 5 ms$/);
        expect(rows.slice(1)).toEqual(["  reflect of turn 1", "  Final answer: 1"]);
    });

    it("expanded, shows every turn and every superseded step as a card", () => {
        const a = stepArea({ steps: rerolled(), live: null, expanded: true, width: 80, spin: "*" });
        expect(a.pinned).toEqual([]);
        const heads = a.rows.map((r) => text(r.line)).filter((t) => t.startsWith("▌") || t.startsWith("▾"));
        // Numbers go right-aligned, or after the label when the row has no room for both.
        expect(heads.map((h) => h.replace(/( {2,}| · \d+ tok).*$/, ""))).toEqual([
            "▾ turn 1",
            "▌turn 1 · answer",
            "▌turn 1 · verdict",
            "▾ turn 2 · now",
            "▌superseded · reflection [1-3-2] · after turn 1",
            "▌superseded · turn 2 · answer (after reflection)",
            "▌superseded · turn 2 · verdict",
            "▌superseded · reflection [1-4-1] · after turn 1 · sample 2",
            "▌reflection [2-1-1] · after turn 1 · sample 3"
        ]);
    });

    it("puts the streaming step in the turn it opens, with the earlier turn collapsed", () => {
        const a = stepArea({ steps: [st("answer", 1), st("verify", 1)], live: { kind: "reflect", turn: 1, text: "I was", instructionKey: "1-1-1" }, expanded: false, width: 80, spin: "⠋" });
        expect(a.pinned.map(text)).toEqual(["▸ turn 1 · ✗ incorrect · Final answer: 1"]);
        expect(a.rows.map((r) => text(r.line))).toEqual(["▌reflection [1-1-1] · after turn 1 ⠋ writing…", "  I was▌"]);
    });
});

describe("a verdict card", () => {
    it("shows the one verdict line (the head coloured, the rest dimmed) and the ground truth's line under a self verdict", () => {
        const self = { correct: false, mode: "self" as const, reason: "the model judged its own answer incorrect", extracted: "incorrect" };
        const truth = { correct: true, reason: 'read "B" (letter) · gold B', extracted: "B", rule: "letter" };
        const card = stepCard(st("verify", 1, { verdict: self, oracle_verdict: truth, output: "Verdict: incorrect" }), 80);
        expect(card.lines.slice(1).map(text)).toEqual(["  ✗ incorrect (self) · the model judged its own answer incorrect", '  ground truth: ✓ correct · read "B" (letter) · gold B', "  Verdict: incorrect"]);
        const [, head, body] = card.lines[1]!;
        expect(head).toMatchObject({ text: "✗ incorrect (self)", bold: true });
        expect(head!.dim).toBeUndefined();
        expect(body).toMatchObject({ text: " · the model judged its own answer incorrect", dim: true });
        // An oracle verdict: what was read, by which rule, against which gold; no model text under it.
        const oracle = stepCard(st("verify", 1, { verdict: { correct: false, mode: "oracle", reason: 'read "D" (letter) · gold B', extracted: "D", rule: "letter" }, output: "ignored" }), 80);
        expect(oracle.lines.slice(1).map(text)).toEqual(['  ✗ incorrect (oracle) · read "D" (letter) · gold B']);
    });
});

describe("the step window", () => {
    // One card: its header row, then 19 rows that keep it on top when scrolled into.
    const head: Line = [{ text: "HEAD" }];
    const rows: BodyRow[] = Array.from({ length: 20 }, (_, i) => ({ line: [{ text: `row ${i}` }], head: i === 0 ? null : head }));

    it("follows the bottom with a last row saying what is above", () => {
        const w = stepWindow(rows, 8, 0, true);
        expect(w.lines).toHaveLength(8);
        expect(w.maxTop).toBe(13);
        // Scrolled into the card: its header stays on top.
        expect(w.lines.map(text)).toEqual(["HEAD", "row 14", "row 15", "row 16", "row 17", "row 18", "row 19", "↑ 13 lines above · ↑↓ pgup/pgdn scroll"]);
    });

    it("keeps no lone header on top when the card ends there", () => {
        const two: BodyRow[] = [...rows.slice(0, 3), { line: [{ text: "next card" }], head: null }, ...Array.from({ length: 3 }, (_, i) => ({ line: [{ text: `more ${i}` }], head: [{ text: "NEXT" }] }))];
        const w = stepWindow(two, 5, 2, false);
        expect(w.lines.map(text)).toEqual(["row 2", "next card", "more 0", "more 1", "↑ 2 lines above · ↓ 1 line below · ↑↓ pgup/pgdn scroll"]);
    });

    it("shows from the top when scrolled there, and everything when it fits", () => {
        expect(stepWindow(rows, 8, 0, false).lines.map(text).slice(-1)).toEqual(["↓ 13 lines below · ↑↓ pgup/pgdn scroll"]);
        expect(stepWindow(rows, 8, 0, false).lines[0]).toEqual([{ text: "row 0" }]);
        expect(stepWindow(rows.slice(0, 5), 8, 3, false).lines).toHaveLength(5);
    });
});

describe("the lab frame", () => {
    const item = { id: "q1", task: "demo", family: "mc" as const, question: "A long question. ".repeat(40), choices: ["one", "two", "three", "four"], answer: "B", answer_index: 1, tests: null, test_setup: null };
    const many = Array.from({ length: 4 }, (_, t) => [st(t ? "correct" : "answer", t + 1, { output: "word ".repeat(300) }), st("verify", t + 1), st("reflect", t + 1, { instruction_key: "1-1-1", output: "thought ".repeat(200) })]).flat();
    const blocks = (width: number) => ({
        header: headerLines({ backend: null, effective: DEFAULT_SETTINGS, saved: { ...DEFAULT_SETTINGS, maxTurns: 5, contextSize: 8192 }, tokensPerSecond: 12.5, code: "none", contention: "another reflect-lab computes here", width }),
        question: questionBlock(item, 0, 40, false, width),
        area: stepArea({ steps: many, live: null, expanded: false, width, spin: "*" }),
        action: [{ text: "○ ready" }],
        instruction: [[{ text: "instruction [1-1-1]" }], ...Array.from({ length: 5 }, (): Line => [{ text: "instruction text" }])],
        status: [{ text: "status" }]
    });

    for (const [w, h] of [
        [80, 22],
        [140, 43],
        [40, 10],
        [20, 4]
    ] as const) {
        it(`is exactly ${h} rows, none wider than ${w} columns, with the action and status rows last`, () => {
            const f = labFrame(blocks(w), w, h, INITIAL_VIEW);
            expect(f.lines).toHaveLength(h);
            for (const l of f.lines) expect(stringWidth(text(l)), text(l)).toBeLessThanOrEqual(w);
            expect(text(f.lines[h - 1]!)).toBe("status");
            if (h >= 10) expect(f.lines.map(text)).toContain("○ ready");
        });
    }

    it("at 80x24 keeps the question to 4 rows cut with …, and gives the steps what is left", () => {
        const f = labFrame(blocks(80), 80, 22, INITIAL_VIEW);
        const rows = f.lines.map(text);
        const q = rows.indexOf("question 1/40 · demo · q1");
        expect(q).toBeGreaterThan(0);
        expect(rows[q + 4]!.endsWith("…")).toBe(true);
        expect(rows[q + 5]).toMatch(/^▸ turns 1–3/);
        expect(f.bodyHeight).toBeGreaterThanOrEqual(4);
    });
});

describe("the question block", () => {
    it("puts the choices side by side when one per row does not fit the rows the question gets", () => {
        const item = { id: "logic-01", task: "demo-logic", family: "mc" as const, question: "All cats are mammals. All mammals are animals. Which statement must be true?", choices: ["All animals are cats.", "All cats are animals.", "Some animals are not mammals.", "No cats are animals."], answer: "B", answer_index: 1, tests: null, test_setup: null };
        const q = questionBlock(item, 0, 40, false, 80);
        expect(q.text).toHaveLength(5);
        expect(q.compact.map(text)).toEqual([
            "All cats are mammals. All mammals are animals. Which statement must be true?",
            "A. All animals are cats.   B. All cats are animals.",
            "C. Some animals are not mammals.   D. No cats are animals."
        ]);
        const area = { pinned: [], rows: [] };
        const f = labFrame({ header: [], question: q, area, action: [], instruction: [], status: [] }, 80, 22, INITIAL_VIEW);
        // 22 rows give the question 4: the compact form, whole.
        expect(f.lines.slice(1, 4).map(text)).toEqual(q.compact.map(text));
        const tall = labFrame({ header: [], question: q, area, action: [], instruction: [], status: [] }, 80, 40, INITIAL_VIEW);
        expect(tall.lines.slice(1, 6).map(text)).toEqual(q.text.map(text));
    });
});

describe("the lab's view reducer", () => {
    it("scrolls up from the bottom, stops at the top, follows again at the bottom", () => {
        let s = labViewReducer(INITIAL_VIEW, { type: "scroll", by: -3, max: 10 });
        expect(s).toEqual({ top: 7, follow: false, expanded: false });
        s = labViewReducer(s, { type: "scroll", by: -100, max: 10 });
        expect(s.top).toBe(0);
        s = labViewReducer(s, { type: "scroll", by: 100, max: 10 });
        expect(s).toEqual({ top: 10, follow: true, expanded: false });
    });

    it("expands to the top, folds back to the bottom, and resets", () => {
        const open = labViewReducer(INITIAL_VIEW, { type: "toggleEarlier" });
        expect(open).toEqual({ top: 0, follow: false, expanded: true });
        expect(labViewReducer(open, { type: "toggleEarlier" })).toEqual(INITIAL_VIEW);
        expect(labViewReducer(open, { type: "reset" })).toEqual(INITIAL_VIEW);
    });
});

describe("the lab's keys", () => {
    const key = { pageUp: false, pageDown: false };
    it("maps loop keys to the controller and view keys to the reducer", () => {
        expect(labKeyAction("next", key)).toEqual({ to: "loop", op: "step" });
        expect(labKeyAction("prevQuestion", key)).toEqual({ to: "loop", op: "prevQuestion" });
        expect(labKeyAction("lab.scrollUp", { ...key, pageUp: true })).toEqual({ to: "view", scroll: "page", dir: -1 });
        expect(labKeyAction("lab.scrollDown", key)).toEqual({ to: "view", scroll: "line", dir: 1 });
        expect(labKeyAction("lab.earlier", key)).toEqual({ to: "view", toggle: "earlier" });
        expect(labKeyAction("settings", key)).toBeNull();
        expect(labKeyAction("quit", key)).toBeNull();
    });
});

describe("what the words say", () => {
    it("says what a changed instruction applies to", () => {
        const at = (nextPhase: "answering" | "reflecting" | "correcting" | "done", hasReflection: boolean, busy = false) => instructionScope({ nextPhase, busy, phase: busy ? "reflecting" : "idle", hasReflection });
        expect(at("answering", false)).toBe("applies to the reflection, if the answer is wrong");
        expect(at("reflecting", false)).toBe("applies to the next reflection (space)");
        expect(at("correcting", true)).toBe("applies to the next re-roll (r)");
        expect(at("done", true)).toBe("applies to the next re-roll (r)");
        expect(at("done", false)).toBe("not used: no reflection was needed");
        expect(at("correcting", false, true)).toMatch(/^applies to the next re-roll \(r\); the reflection being written/);
    });

    it("sums up a recorded attempt", () => {
        const r = (status: ItemRecord["status"], correct_by_turn: boolean[]) => ({ status, correct_by_turn }) as ItemRecord;
        expect(recordOutcome(r("done", [false, true]))).toBe("✗ → ✓");
        expect(recordOutcome(r("aborted", [false]))).toBe("✗, aborted");
        expect(recordOutcome(r("running", []))).toBe("left unfinished");
    });

    it("marks every saved change not yet in effect the same way", () => {
        const saved = { ...DEFAULT_SETTINGS, verifier: "self" as const, seed: 7, contextSize: 8192, instructions: "fixed:1-1-1", temperature: 1.2 };
        const at = (width: number) => headerLines({ backend: null, effective: { ...DEFAULT_SETTINGS, temperature: 1.2 }, saved, tokensPerSecond: null, code: "bubblewrap", contention: null, width }).map(text);
        const wide = at(400);
        expect(wide).toEqual([
            "reflect-lab · verifier oracle → self (next question) · maxTurns 2 · seed 42 → 7 (next question) · temp 1.2 · maxTokens 384 · contextSize 4096 → 8192 (next start) · instructions random → fixed:1-1-1 (next question) · code sandboxed"
        ]);
        // At 80 columns the same items, whole, on more rows.
        const narrow = at(80);
        expect(narrow.length).toBeGreaterThan(1);
        for (const r of narrow) expect(stringWidth(r)).toBeLessThanOrEqual(80);
        expect(narrow.join(" · ")).toBe(wide[0]);
    });
});

describe("the key bar", () => {
    it("fits 80 columns by dropping whole keys, keeping help and quit", () => {
        const all = helpBarItems("lab");
        const full = all.map((i) => `${i.keys} ${i.label}`).join(" · ");
        expect(stringWidth(full)).toBeGreaterThan(80);
        const kept = barItemsFitting(all, 80, ["next", "reroll", "nextInstruction", "nextQuestion", "lab.earlier"]);
        const line = kept.map((i) => `${i.keys} ${i.label}`).join(" · ");
        expect(stringWidth(line)).toBeLessThanOrEqual(80);
        expect(kept.map((i) => i.id)).toEqual(expect.arrayContaining(["next", "reroll", "nextInstruction", "nextQuestion", "lab.earlier", "help", "quit"]));
        expect(kept.length).toBeLessThan(all.length);
    });
});
