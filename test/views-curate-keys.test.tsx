// The curate screen's input hook: real key sequences through Ink into a recording driver (its state
// follows the real reducer, so editing and the help overlay change what keys mean).
import { afterEach, describe, expect, it } from "vitest";
import { Text } from "ink";
import { render } from "ink-testing-library";
import type { BatchRunInfo } from "../src/curate/source.js";
import type { CurateDriver } from "../views/curate/controller.js";
import { curateReducer, initialCurateState, type CurateAction } from "../views/curate/curateState.js";
import { defaultValues, OPTION_ROWS } from "../views/curate/optionsModel.js";
import { useCurateKeys, type CurateKeysProps } from "../views/curate/useCurateKeys.js";

const KEY = { up: "\u001B[A", down: "\u001B[B", tab: "\t", enter: "\r", esc: "\u001B", del: "\x7f", ctrlC: "\x03" };
const tick = (ms = 15) => new Promise((r) => setTimeout(r, ms));

const run: BatchRunInfo = { dir: "/s/a", id: "a", createdAt: "", tasks: "tiny", items: 1, done: 1, samples: 2, model: "m", mode: "reflect", verifier: "oracle", seed: 5, reflector: "base model", trained: false };

function Probe(props: CurateKeysProps) {
    useCurateKeys(props);
    return <Text>keys</Text>;
}

let ui: ReturnType<typeof render> | null = null;
afterEach(() => void (ui?.unmount(), (ui = null)));

/** A driver that records what it is asked and applies actions with the real reducer. */
function mount(exported: string | null = "/s/curated-1") {
    const log: (CurateAction | string)[] = [];
    const calls: string[] = [];
    const driver: CurateDriver = {
        state: initialCurateState([run], defaultValues("/s")),
        dispatch(a) {
            log.push(a);
            (driver as { state: typeof driver.state }).state = curateReducer(driver.state, a);
        },
        refresh: () => void log.push("refresh"),
        exportNow: () => (log.push("export"), Promise.resolve(exported))
    };
    ui = render(<Probe driver={driver} onBack={() => calls.push("back")} onQuit={() => calls.push("quit")} onExported={(d) => calls.push(`exported ${d}`)} />);
    const press = async (...keys: string[]) => {
        for (const k of keys) ui!.stdin.write(k), await tick();
    };
    /** The log since the last look. */
    const taken = () => log.splice(0);
    return { driver, log, calls, press, taken };
}

describe("curate keys", () => {
    it("map the list's keys to actions and commands", async () => {
        const { press, taken, calls } = mount();
        await press(KEY.up, KEY.down, KEY.tab, " ", KEY.enter, "n", "p", "s", "r", "e");
        expect(taken()).toEqual([
            { type: "move", step: -1 },
            { type: "move", step: 1 },
            { type: "switchPanel" },
            { type: "toggle" },
            // Enter on the first option (D+) switches it; it does not start editing.
            { type: "edit" },
            { type: "page", step: 1 },
            { type: "page", step: -1 },
            { type: "nextSet" },
            "refresh",
            "export"
        ]);
        await tick();
        expect(calls).toEqual(["exported /s/curated-1"]);
        await press("x", "1");
        expect(taken()).toEqual([]);
        await press(KEY.esc, "q");
        expect(calls).toEqual(["exported /s/curated-1", "back", "quit"]);
    });

    it("make every key text while an option is edited, but enter, esc, backspace and ctrl+c", async () => {
        const { driver, press, taken, calls } = mount();
        const cap = OPTION_ROWS.findIndex((r) => r.id === "cap");
        await press(KEY.tab, ...Array.from({ length: cap }, () => KEY.down), KEY.enter);
        taken();
        expect(driver.state.editing).toBe("");
        await press("q", "?", " ", "n", "e", KEY.tab, KEY.del, KEY.esc);
        expect(taken()).toEqual([
            { type: "type", text: "q" },
            { type: "type", text: "?" },
            { type: "type", text: " " },
            { type: "type", text: "n" },
            { type: "type", text: "e" },
            { type: "backspace" },
            { type: "cancel" }
        ]);
        expect(calls).toEqual([]);
        await press(KEY.enter, "7", KEY.enter);
        expect(taken()).toEqual([{ type: "edit" }, { type: "type", text: "7" }, { type: "accept" }]);
        expect(driver.state.values.cap).toBe("7");
        await press(KEY.enter, KEY.ctrlC);
        expect(calls).toEqual(["quit"]);
    });

    it("under the help overlay only close it (? or esc) and quit", async () => {
        const { press, taken, calls } = mount(null);
        await press("?");
        expect(taken()).toEqual([{ type: "help", on: true }]);
        await press("n", " ", KEY.down, "e", "r");
        expect(taken()).toEqual([]);
        await press(KEY.esc, "?", "?");
        expect(taken()).toEqual([{ type: "help", on: false }, { type: "help", on: true }, { type: "help", on: false }]);
        expect(calls).toEqual([]);
        await press("?", "q");
        expect(calls).toEqual(["quit"]);
    });

    it("a refused export calls back nothing", async () => {
        const { press, taken, calls } = mount(null);
        await press("e");
        await tick();
        expect(taken()).toEqual(["export"]);
        expect(calls).toEqual([]);
    });
});
