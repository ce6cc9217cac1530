import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { render } from "ink-testing-library";
import { helpBarItems, helpOverlaySections, KEYMAP, matchKey, type Screen } from "../views/keymap.js";
import { HelpBar } from "../views/HelpBar.js";
import { HelpOverlay } from "../views/HelpOverlay.js";

const noKey = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

describe("keymap", () => {
    it("has unique ids", () => {
        expect(new Set(KEYMAP.map((b) => b.id)).size).toBe(KEYMAP.length);
    });

    it("builds the help overlay from every binding, and it shows each one", () => {
        const ids = helpOverlaySections().flatMap((s) => s.rows.map((r) => r.id));
        expect([...ids].sort()).toEqual(KEYMAP.map((b) => b.id).sort());
        const { lastFrame, unmount } = render(createElement(HelpOverlay));
        const frame = lastFrame()!.replace(/\s+/g, " ");
        for (const b of KEYMAP) {
            expect(frame).toContain(b.keys);
            expect(frame).toContain(b.description.split(" ").slice(0, 3).join(" "));
        }
        unmount();
    });

    it("builds the help bar from the same bindings, one line per screen", () => {
        for (const screen of ["lab", "settings", "help"] as Screen[]) {
            const items = helpBarItems(screen);
            expect(items.length).toBeGreaterThan(0);
            for (const it of items) expect(KEYMAP.some((b) => b.id === it.id)).toBe(true);
            const { lastFrame, unmount } = render(createElement(HelpBar, { screen }));
            expect(lastFrame()!.split("\n")).toHaveLength(1);
            for (const it of items) expect(lastFrame()).toContain(it.label);
            unmount();
        }
        expect(helpBarItems("lab").map((i) => i.id)).toEqual(expect.arrayContaining(["next", "reroll", "nextInstruction", "help", "quit"]));
    });

    it("matches keys per screen", () => {
        expect(matchKey("lab", " ", noKey)?.id).toBe("next");
        expect(matchKey("lab", "", { ...noKey, return: true })?.id).toBe("next");
        expect(matchKey("settings", " ", noKey)).toBeUndefined();
        expect(matchKey("help", "?", noKey)?.id).toBe("help");
        expect(matchKey("help", "", { ...noKey, escape: true })?.id).toBe("back");
        expect(matchKey("settings", "c", { ...noKey, ctrl: true })?.id).toBe("quit");
        expect(matchKey("lab", "q", noKey)?.id).toBe("quit");
        expect(matchKey("settings", "", { ...noKey, rightArrow: true })?.id).toBe("settingInc");
    });
});
