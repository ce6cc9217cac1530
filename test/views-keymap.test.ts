// The keymap as a user meets it: the keys each binding shows trigger it, one binding per key on a
// screen (the one precedence on record asserted), help bars that fit 80 columns, an overlay that lists all.
import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { render } from "ink-testing-library";
import stringWidth from "string-width";
import stripAnsi from "strip-ansi";
import type { Key } from "ink";
import { barWidth, fitBarItems, helpBarItems, helpOverlaySections, KEYMAP, matchKey, triggers, type KeyBinding, type Screen } from "../views/keymap.js";
import { HelpBar } from "../views/HelpBar.js";
import { BATCH_KEYS } from "../views/keys/batch.js";
import { GLOBAL_KEYS } from "../views/keys/global.js";
import { HELP_KEYS } from "../views/keys/help.js";
import { LAB_KEYS } from "../views/keys/lab.js";
import { LAB_VIEW_KEYS } from "../views/lab/keys.js";
import { SETTINGS_KEYS } from "../views/keys/settings.js";
import { COMPARE_KEYS } from "../views/compare/keys.js";
import { CURATE_KEYS } from "../views/curate/keys.js";
import { ENDPOINT_KEYS } from "../views/endpoints/keys.js";
import { TRAINING_KEYS } from "../views/training/keys.js";

const noKey: Key = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

const NAMED: Record<string, Partial<Key>> = {
    up: { upArrow: true },
    "↑": { upArrow: true },
    down: { downArrow: true },
    "↓": { downArrow: true },
    left: { leftArrow: true },
    "←": { leftArrow: true },
    right: { rightArrow: true },
    "→": { rightArrow: true },
    enter: { return: true },
    esc: { escape: true },
    tab: { tab: true },
    "shift+tab": { tab: true, shift: true },
    delete: { delete: true },
    backspace: { backspace: true },
    pgup: { pageUp: true },
    pgdn: { pageDown: true },
    home: { home: true },
    end: { end: true }
};

/** The key event Ink delivers for one key as the help shows it ("space", "ctrl+c", "up", "T"). */
function press(shown: string): [string, Key] {
    if (shown === "space") return [" ", noKey];
    if (shown.startsWith("ctrl+") && shown.length === 6) return [shown.slice(5), { ...noKey, ctrl: true }];
    const named = NAMED[shown];
    if (named) return ["", { ...noKey, ...named }];
    if ([...shown].length === 1) return [shown, { ...noKey, shift: shown !== shown.toLowerCase() }];
    throw new Error(`no key event for "${shown}"`);
}

/** Each alternative a binding shows, as an event ("q/ctrl+c" is two). */
const presses = (b: KeyBinding) => b.keys.split("/").map((k) => ({ shown: k, event: press(k) }));

const SCREENS: Screen[] = ["lab", "settings", "help", "batchForm", "batch", "curate", "train", "compare", "endpoints", "endpointForm", "teach"];
const active = (b: KeyBinding, s: Screen) => !b.when || b.when.includes(s);

/** Where two bindings on one screen share a key, on purpose: the first in KEYMAP wins. */
const PRECEDENCE = [
    { screen: "batch", keys: "q", first: "batchStop", then: "quit" },
    { screen: "batch", keys: "ctrl+c", first: "batchStop", then: "quit" }
];

describe("keymap", () => {
    it("is assembled from every keys file, each id once", () => {
        const lists = [LAB_KEYS, LAB_VIEW_KEYS, SETTINGS_KEYS, BATCH_KEYS, CURATE_KEYS, TRAINING_KEYS, COMPARE_KEYS, ENDPOINT_KEYS, HELP_KEYS, GLOBAL_KEYS];
        const total = lists.reduce((n, l) => n + l.length, 0);
        expect(total).toBeGreaterThan(60);
        expect(KEYMAP).toHaveLength(total);
        expect(new Set(KEYMAP.map((b) => b.id)).size).toBe(total);
        // The global keys come last, so any screen's own binding of the same key takes precedence.
        expect(KEYMAP.slice(-GLOBAL_KEYS.length).map((b) => b.id)).toEqual(["help", "back", "quit"]);
    });

    it("triggers each binding with every key it shows, on each screen it works on", () => {
        const checks = KEYMAP.flatMap((b) => presses(b).map((p) => ({ b, ...p })));
        expect(checks.length).toBeGreaterThan(KEYMAP.length);
        for (const { b, shown, event } of checks) {
            expect(triggers(b, ...event), `${b.id} on "${shown}"`).toBe(true);
            for (const s of SCREENS.filter((s) => active(b, s))) {
                const won = matchKey(s, ...event)?.id;
                const rule = PRECEDENCE.find((r) => r.screen === s && r.keys === shown && r.then === b.id);
                expect(won, `${shown} on ${s}`).toBe(rule ? rule.first : b.id);
            }
        }
    });

    it("gives each key one meaning per screen, but for the precedence on record", () => {
        const clashes: { screen: Screen; keys: string; ids: string[] }[] = [];
        for (const s of SCREENS) {
            const here = KEYMAP.filter((b) => active(b, s));
            expect(here.length, s).toBeGreaterThan(0);
            const seen = new Set<string>();
            for (const b of here)
                for (const { shown, event } of presses(b)) {
                    const ids = here.filter((o) => triggers(o, ...event)).map((o) => o.id);
                    const tag = `${s} ${shown} ${ids.join(",")}`;
                    if (ids.length > 1 && !seen.has(tag)) clashes.push({ screen: s, keys: shown, ids });
                    seen.add(tag);
                }
        }
        expect(clashes).toEqual(PRECEDENCE.map((r) => ({ screen: r.screen, keys: r.keys, ids: [r.first, r.then] })));
        expect(matchKey("batch", "q", noKey)?.id).toBe("batchStop");
        expect(matchKey("lab", "q", noKey)?.id).toBe("quit");
        expect(matchKey("batch", "c", { ...noKey, ctrl: true })?.id).toBe("batchStop");
        // Ink reports ctrl+c as "c" with ctrl: it quits the lab, it does not open curation.
        expect(matchKey("lab", "c", { ...noKey, ctrl: true })?.id).toBe("quit");
        expect(matchKey("lab", "r", { ...noKey, ctrl: true })).toBeUndefined();
    });

    it("matches nothing off its screens", () => {
        expect(matchKey("settings", " ", noKey)).toBeUndefined();
        expect(matchKey("lab", "", { ...noKey, escape: true })).toBeUndefined();
        expect(matchKey("settings", "", { ...noKey, pageDown: true })).toBeUndefined();
        expect(matchKey("help", "", { ...noKey, pageDown: true })?.id).toBe("help.pageDown");
        expect(matchKey("teach", "x", noKey)).toBeUndefined();
    });

    it("fits each screen's help bar in 80 columns as drawn, keeping help, quit and the way back", () => {
        expect(SCREENS).toHaveLength(11);
        for (const s of SCREENS) {
            const full = helpBarItems(s);
            const items = fitBarItems(full, 80);
            expect(items.length, s).toBeGreaterThan(0);
            expect(barWidth(items), s).toBeLessThanOrEqual(80);
            // Only what does not fit is dropped: one more item would overflow.
            if (items.length < full.length) expect(barWidth(full.filter((i) => items.includes(i) || i === full.find((f) => !items.includes(f)))), s).toBeGreaterThan(80);
            for (const id of ["help", "quit"]) if (full.some((i) => i.id === id)) expect(items.map((i) => i.id), s).toContain(id);
            const esc = full.find((i) => i.keys === "esc");
            if (esc) expect(items, s).toContain(esc);
            const { lastFrame, unmount } = render(createElement(HelpBar, { screen: s, items }));
            const lines = stripAnsi(lastFrame()!).split("\n");
            expect(lines, s).toHaveLength(1);
            expect(stringWidth(lines[0]!), s).toBe(barWidth(items));
            expect(lines[0], s).not.toContain("…");
            unmount();
        }
        // Fitting drops from the end of a screen's own keys: the lab keeps the loop's first keys.
        expect(fitBarItems(helpBarItems("lab"), 80).map((i) => i.id)).toEqual(expect.arrayContaining(["next", "reroll", "help", "quit"]));
        const curate = helpBarItems("curate");
        expect(fitBarItems(curate, 40).map((i) => i.id)).toEqual(["curate.panel", "curate.back", "help", "quit"]);
        // Narrower than the essentials: they stay (HelpBar cuts the line) rather than leave no way out.
        expect(fitBarItems(curate, 10).map((i) => i.id)).toEqual(["curate.back", "help", "quit"]);
    });

    it("puts every binding in one section of the help overlay, each screen's own keys in its section", () => {
        const sections = helpOverlaySections();
        expect(sections).toHaveLength(11);
        expect(sections.reduce((n, s) => n + s.rows.length, 0)).toBe(KEYMAP.length);
        expect(new Set(sections.flatMap((s) => s.rows.map((r) => r.id))).size).toBe(KEYMAP.length);
        for (const s of sections.filter((x) => x.screen)) {
            expect(s.rows.length, s.title).toBeGreaterThan(0);
            for (const r of s.rows) expect(r.when, r.id).toEqual([s.screen]);
        }
        expect(sections.at(-1)!.title).toBe("everywhere");
        expect(sections.at(-1)!.rows.map((r) => r.id)).toEqual(["help", "back", "quit"]);
    });
});
