// The ? overlay as a user meets it: it opens at the keys of the screen it came from, fits the
// terminal (80x24 and smaller), scrolls to every binding, and closes on ? or esc.
import { describe, expect, it } from "vitest";
import { render } from "ink-testing-library";
import stringWidth from "string-width";
import stripAnsi from "strip-ansi";
import { HelpOverlay } from "../views/HelpOverlay.js";
import { helpOverlaySections, KEYMAP } from "../views/keymap.js";
import { layoutHelp, orderSections, wrapWords } from "../views/keys/helpLayout.js";
import { maxOffset, scrollHelp } from "../views/keys/helpScroll.js";
import { TRAINING_KEYS } from "../views/training/keys.js";
import { expectFits as expectFitsIn } from "./helpers/fit.js";
import { until } from "./helpers/ink.js";

const KEYS = { down: "\x1B[B", up: "\x1B[A", pageDown: "\x1B[6~", pageUp: "\x1B[5~", home: "\x1B[H", end: "\x1B[F", esc: "\x1B" };

const linesOf = (frame: string | undefined) => stripAnsi(frame ?? "").split("\n");
const expectFits = (frame: string | undefined, columns: number, rows: number, what: string) => expectFitsIn(frame ?? "", columns, rows, what);


/** The text between the border's "│ " and " │". */
const inner = (line: string) => line.replace(/^│ ?/, "").replace(/ ?│$/, "");

function mount(el: React.ReactElement) {
    const ui = render(el);
    const frame = () => stripAnsi(ui.lastFrame() ?? "");
    const press = async (k: string, until_: (f: string) => boolean, what: string) => {
        ui.stdin.write(k);
        return until(frame, until_, what, 2000);
    };
    return { ui, frame, press };
}

describe("the help overlay", () => {
    const sections = helpOverlaySections();
    const screens = sections.filter((s) => s.screen);

    it("opens at the section of the screen it came from, within 80x24", () => {
        expect(screens).toHaveLength(10);
        for (const s of screens) {
            const { ui, frame } = mount(<HelpOverlay from={s.screen} columns={80} rows={24} />);
            expectFits(ui.lastFrame(), 80, 24, s.title);
            const lines = linesOf(frame()).map(inner);
            // Line 0 is the border, line 1 the "keys" title.
            expect(lines[2]!.trim(), s.title).toBe(`${s.title} · this screen`);
            expect(lines[3]!.startsWith(s.rows[0]!.keys + " "), `${s.title}: ${lines[3]}`).toBe(true);
            ui.unmount();
        }
        // After this screen's keys come the ones that work everywhere.
        expect(orderSections(sections, "train").map((s) => s.title).slice(0, 2)).toEqual(["training", "everywhere"]);
        expect(orderSections(sections, "teach")).toBe(sections);
    });

    it("scrolls line by line and by page, to the last binding and back to the top", async () => {
        const { lines } = layoutHelp(orderSections(sections, "lab"), 76, "lab");
        const viewport = 24 - 4;
        expect(lines.length).toBeGreaterThan(viewport * 3);
        const { ui, frame, press } = mount(<HelpOverlay from="lab" columns={80} rows={24} onClose={() => {}} />);
        try {
            expect(frame()).toContain(`↓ ${lines.length - viewport} more below`);
            expect(frame()).not.toContain("more above");
            await press(KEYS.down, (f) => f.includes("↑ 1 more above"), "one line down");
            await press(KEYS.pageDown, (f) => f.includes(`↑ ${viewport} more above`), "a page down (one line kept)");
            await press(KEYS.up, (f) => f.includes(`↑ ${viewport - 1} more above`), "one line up");
            await press(KEYS.pageUp, (f) => !f.includes("more above"), "a page up, at the top");
            const last = orderSections(sections, "lab").at(-1)!.rows.at(-1)!;
            let f = await press(KEYS.end, (x) => x.includes("(end) · "), "the end");
            expect(f).toContain(`↑ ${lines.length - viewport} more above`);
            expect(f.replace(/[│\s]+/g, " ")).toContain(last.description.split(" ").slice(-4).join(" "));
            expectFits(ui.lastFrame(), 80, 24, "at the end");
            await press(KEYS.down, (x) => x.includes("(end) · "), "down at the end stays");
            f = await press(KEYS.home, (x) => x.includes("lab · this screen"), "home");
            expect(f).not.toContain("more above");
        } finally {
            ui.unmount();
        }
    });

    it("shows every binding on some page when paged through", async () => {
        const { lines } = layoutHelp(orderSections(sections, "curate"), 76, "curate");
        const viewport = 20;
        const pages = Math.ceil(maxOffset(lines.length, viewport) / (viewport - 1)) + 1;
        expect(pages).toBeGreaterThan(3);
        const { ui, frame, press } = mount(<HelpOverlay from="curate" columns={80} rows={24} />);
        try {
            const seen = [frame()];
            for (let p = 1; p < pages; p++) {
                const before = frame();
                seen.push(await press(KEYS.pageDown, (f) => f !== before, `page ${p + 1}`));
            }
            expect(seen.at(-1)).toContain("(end) · ");
            const text = seen.map((f) => linesOf(f).map(inner).join("\n")).join("\n");
            expect(KEYMAP.length).toBeGreaterThan(60);
            for (const b of KEYMAP) {
                const row = text.split("\n").find((l) => l.startsWith(`${b.keys} `) && l.includes(b.description.split(" ").slice(0, 2).join(" ")));
                expect(row, b.id).toBeDefined();
            }
        } finally {
            ui.unmount();
        }
    });

    it("closes on ? and esc, quits on q, and leaves closing to the host without onClose", async () => {
        const calls: string[] = [];
        const { ui, press } = mount(<HelpOverlay from="lab" columns={80} rows={24} onClose={() => calls.push("close")} onQuit={() => calls.push("quit")} />);
        const n = (k: number) => () => calls.length === k;
        await press("?", n(1), "? closes");
        await press(KEYS.esc, n(2), "esc closes");
        await press("q", n(3), "q quits");
        expect(calls).toEqual(["close", "close", "quit"]);
        ui.unmount();
        const bare = mount(<HelpOverlay from="lab" columns={80} rows={24} />);
        bare.ui.stdin.write("?");
        bare.ui.stdin.write("q");
        await new Promise((r) => setTimeout(r, 30));
        expect(bare.frame()).toContain("? or esc closes");
        bare.ui.unmount();
    });

    it("wraps descriptions to narrow terminals and follows a resize", async () => {
        const { ui, frame } = mount(<HelpOverlay from="train" />);
        try {
            const stdout = ui.stdout as unknown as { columns: number; rows: number; emit(e: string): void };
            for (const [columns, rows] of [
                [80, 24],
                [40, 12],
                [120, 45]
            ] as const) {
                Object.defineProperty(stdout, "columns", { value: columns, configurable: true });
                Object.defineProperty(stdout, "rows", { value: rows, configurable: true });
                stdout.emit("resize");
                const f = await until(frame, (x) => stringWidth(linesOf(x)[0]!) === columns, `a redraw at ${columns}x${rows}`, 2000);
                expectFits(f, columns, rows, `${columns}x${rows}`);
                expect(linesOf(f)).toHaveLength(Math.min(rows, layoutHelp(orderSections(sections, "train"), columns - 4, "train").lines.length + 4));
                expect(f).toContain("training · this screen");
            }
        } finally {
            ui.unmount();
        }
        const words = wrapWords("a verylongwordthatcannotfit here", 8);
        expect(words.length).toBeGreaterThan(3);
        for (const w of words) expect(stringWidth(w)).toBeLessThanOrEqual(8);
        expect(words.join("").replace(/ /g, "")).toBe("averylongwordthatcannotfithere");
    });

    it("lists a screen's own sections when given them (the training help)", () => {
        const { ui, frame } = mount(<HelpOverlay sections={[{ title: "training keys", rows: TRAINING_KEYS }]} columns={80} rows={24} />);
        const lines = linesOf(frame()).map(inner);
        expect(lines[2]!.trim()).toBe("training keys");
        expect(TRAINING_KEYS.length).toBeGreaterThan(5);
        expect(lines.filter((l) => TRAINING_KEYS.some((k) => l.startsWith(`${k.keys} `))).length).toBe(TRAINING_KEYS.length);
        expectFits(ui.lastFrame(), 80, 24, "training keys");
        ui.unmount();
    });

    it("keeps the scroll position within the list (the pure reducer)", () => {
        expect(scrollHelp(0, "help.up", 50, 20)).toBe(0);
        expect(scrollHelp(0, "help.pageDown", 50, 20)).toBe(19);
        expect(scrollHelp(19, "help.pageDown", 50, 20)).toBe(30);
        expect(scrollHelp(30, "help.down", 50, 20)).toBe(30);
        expect(scrollHelp(30, "help.home", 50, 20)).toBe(0);
        expect(scrollHelp(0, "help.end", 50, 20)).toBe(30);
        expect(scrollHelp(5, "help.end", 10, 20)).toBe(0);
    });
});
