// The pieces the screens share: the terminal size hook, the typing keys, the key-intent hook, the
// plain-text wrap, the scroll window and the form row.
import { describe, expect, it } from "vitest";
import { Box, Text, type Key } from "ink";
import { render } from "ink-testing-library";
import stripAnsi from "strip-ansi";
import { FieldRow } from "../views/FieldRow.js";
import { typingKey } from "../views/keys/typing.js";
import { wrapPlain } from "../views/lines.js";
import { useKeyIntents } from "../views/useKeyIntents.js";
import { terminalSize, useTerminalSize, WIDE_TERMINAL_SIZE, type TerminalSizeOptions } from "../views/useTerminalSize.js";
import { windowStart } from "../views/windowStart.js";
import { mountOn, Term, until } from "./helpers/ink.js";

const NO_KEY: Key = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

describe("terminal size", () => {
    it("reads the stream's size, the fallback where it reports none, fixed sizes first, reserved rows off a reported height", () => {
        expect(terminalSize({ columns: 120, rows: 40 })).toEqual({ columns: 120, rows: 40 });
        expect(terminalSize(undefined)).toEqual({ columns: 80, rows: 24 });
        expect(terminalSize({}, { fallback: WIDE_TERMINAL_SIZE })).toEqual({ columns: 100, rows: 40 });
        expect(terminalSize({ columns: 120, rows: 40 }, { columns: 70 })).toEqual({ columns: 70, rows: 40 });
        // The presenter keeps the cursor's row free, but only off a height the stream reported.
        expect(terminalSize({ columns: 120, rows: 40 }, { reserveRows: 1 })).toEqual({ columns: 120, rows: 39 });
        expect(terminalSize({}, { reserveRows: 1 })).toEqual({ columns: 80, rows: 24 });
    });

    function Size(opts: TerminalSizeOptions) {
        const s = useTerminalSize(opts);
        return <Text>{`size ${s.columns}x${s.rows}`}</Text>;
    }

    it("follows a resize, and with clear wipes the screen first; fixed sizes do not listen", async () => {
        const term = new Term(120, 40);
        const raw: string[] = [];
        const write = term.write;
        term.write = (s: string) => (raw.push(s), write(s));
        const follow = mountOn(<Size clear />, { term });
        try {
            await follow.waitFor("size 120x40");
            expect(raw).not.toContain("\u001b[2J\u001b[H");
            follow.term.resize(80, 24);
            await follow.waitFor("size 80x24");
            // The wipe goes straight to the terminal, before the new frame.
            const wipe = raw.indexOf("\u001b[2J\u001b[H");
            expect(wipe).toBeGreaterThan(0);
            expect(stripAnsi(raw.slice(wipe + 1).join(""))).toContain("size 80x24");
        } finally {
            follow.unmount();
        }
        const fixed = mountOn(<Size columns={60} rows={20} />, { term: new Term(120, 40) });
        try {
            await fixed.waitFor("size 60x20");
            expect(fixed.term.listenerCount("resize")).toBe(1); // Ink's own
            fixed.term.resize(80, 24);
            await new Promise((r) => setTimeout(r, 30));
            expect(fixed.frame()).toContain("size 60x20");
        } finally {
            fixed.unmount();
        }
    });
});

describe("typing keys", () => {
    const to = { accept: "accept", cancel: "cancel", backspace: "backspace", text: (t: string) => `text:${t}` };
    it("makes every key text (q and ? too) but enter, esc and backspace; chords are not text", () => {
        expect(typingKey("q", NO_KEY, to)).toBe("text:q");
        expect(typingKey("?", NO_KEY, to)).toBe("text:?");
        expect(typingKey("", { ...NO_KEY, return: true }, to)).toBe("accept");
        expect(typingKey("", { ...NO_KEY, escape: true }, to)).toBe("cancel");
        expect(typingKey("", { ...NO_KEY, backspace: true }, to)).toBe("backspace");
        expect(typingKey("", { ...NO_KEY, delete: true }, to)).toBe("backspace");
        expect(typingKey("c", { ...NO_KEY, ctrl: true }, to)).toBeNull();
        expect(typingKey("\t", { ...NO_KEY, tab: true }, to)).toBeNull();
    });
});

describe("key intents", () => {
    type Intent = { type: "move"; step: number } | { type: "save" } | { type: "quit" };

    it("runs a command intent's handler, dispatches every other one, and ignores keys that mean nothing", async () => {
        const seen: string[] = [];
        function Screen() {
            useKeyIntents<Intent, "save" | "quit">(
                (input) => (input === "j" ? { type: "move", step: 1 } : input === "s" ? { type: "save" } : input === "q" ? { type: "quit" } : null),
                { save: () => seen.push("saved"), quit: () => seen.push("quit") },
                (a) => seen.push(`dispatch ${a.type} ${a.step}`)
            );
            return <Text>screen</Text>;
        }
        const ui = render(<Screen />);
        try {
            for (const k of ["j", "x", "s", "q"]) {
                ui.stdin.write(k);
                await new Promise((r) => setTimeout(r, 20));
            }
            await until(() => seen.length, (n) => n === 3, "three intents");
            expect(seen).toEqual(["dispatch move 1", "saved", "quit"]);
        } finally {
            ui.unmount();
        }
    });
});

describe("plain wrap and the scroll window", () => {
    it("wraps to the width in display columns, cuts long words, ends a cut with …", () => {
        expect(wrapPlain("one two three four five six seven", 10, 2)).toEqual(["one two", "three fou…"]);
        expect(wrapPlain("x".repeat(25), 10, 5)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
        // Wide characters take two columns each.
        expect(wrapPlain("漢字漢字漢字", 4, 5)).toEqual(["漢字", "漢字", "漢字"]);
        expect(wrapPlain("  ", 10, 3)).toEqual([]);
    });

    it("keeps the selection in view, centred when it can", () => {
        expect([windowStart(0, 22, 10), windowStart(15, 22, 10), windowStart(21, 22, 10), windowStart(3, 5, 10)]).toEqual([0, 10, 12, 0]);
    });
});

describe("the form row", () => {
    const frame = (el: React.ReactElement) => {
        const ui = render(<Box width={60}>{el}</Box>);
        const f = stripAnsi(ui.lastFrame() ?? "");
        ui.unmount();
        return f;
    };

    it("marks the active row, puts ‹ › around an active choice and the cursor after typed text, greys an empty value's placeholder", () => {
        expect(frame(<FieldRow active={false} label="temperature" labelWidth={14} value="0.8" valueWidth={10} choice hint="sampling" />)).toBe("  temperature   0.8        sampling");
        expect(frame(<FieldRow active label="maxTurns" labelWidth={14} value="2" valueWidth={10} choice hint="turns" />)).toBe("› maxTurns      ‹ 2 ›      turns");
        expect(frame(<FieldRow active label="url" labelWidth={14} value="http://x" valueWidth={10} typing choice />)).toBe("› url           http://x▌");
        expect(frame(<FieldRow active={false} label="base" labelWidth={14} value="" valueWidth={10} placeholder="-" />)).toBe("  base          -");
    });

    it("cuts a long value at its start (the end stays in view) and a long hint at its end, within the width", () => {
        const f = frame(<FieldRow active label="out" labelWidth={6} value={"sessions/".repeat(6) + "run-7"} valueWidth={20} hint={"a long hint ".repeat(8)} />);
        expect(f).toMatch(/^› out   …[\w/]*run-7 a long hint .*…$/);
        expect(f.length).toBeLessThanOrEqual(60);
    });
});
