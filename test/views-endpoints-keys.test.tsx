// The endpoints screen's input hook: real key sequences through Ink into a recording driver (its state
// follows the real reducer, so the form, the removal question and the help change what keys mean).
import { afterEach, describe, expect, it } from "vitest";
import { Text } from "ink";
import { render } from "ink-testing-library";
import { ENDPOINT_DEFAULTS } from "../src/endpoints/types.js";
import type { EndpointsDriver } from "../views/endpoints/controller.js";
import { endpointsReducer, initialEndpointsState, type EndpointsAction } from "../views/endpoints/endpointsState.js";
import { useEndpointsKeys, type EndpointsKeysProps } from "../views/endpoints/useEndpointsKeys.js";

const KEY = { up: "\u001B[A", down: "\u001B[B", tab: "\t", shiftTab: "\u001B[Z", enter: "\r", esc: "\u001B", del: "\x7f", ctrlC: "\x03" };
const tick = (ms = 15) => new Promise((r) => setTimeout(r, ms));

function Probe(props: EndpointsKeysProps) {
    useEndpointsKeys(props);
    return <Text>keys</Text>;
}

let ui: ReturnType<typeof render> | null = null;
afterEach(() => void (ui?.unmount(), (ui = null)));

/** A driver that records what it is asked; actions go through the real reducer, and y at a question removes nothing. */
function mount() {
    const log: (EndpointsAction | string)[] = [];
    const calls: string[] = [];
    const listing = { endpoints: [{ name: "vllm", baseURL: "http://h/v1", model: "m", ...ENDPOINT_DEFAULTS }], roles: {}, storedKey: { vllm: true } };
    const driver: EndpointsDriver = {
        state: initialEndpointsState(listing),
        dispatch(a) {
            log.push(a);
            (driver as { state: typeof driver.state }).state = endpointsReducer(driver.state, a);
        },
        test: () => void log.push("test"),
        save: () => void log.push("save"),
        answer: (yes) => (log.push(`answer ${yes}`), driver.dispatch({ type: "keep" })),
        toggleRole: (role) => void log.push(`role ${role}`)
    };
    ui = render(<Probe driver={driver} onBack={() => calls.push("back")} onQuit={() => calls.push("quit")} />);
    const press = async (...keys: string[]) => {
        for (const k of keys) ui!.stdin.write(k), await tick();
    };
    return { driver, calls, press, taken: () => log.splice(0) };
}

describe("endpoints keys", () => {
    it("map the list's keys to actions, commands and the four roles", async () => {
        const { press, taken, calls } = mount();
        await press(KEY.up, KEY.down, "t", "1", "2", "3", "4", "z");
        expect(taken()).toEqual([{ type: "move", step: -1 }, { type: "move", step: 1 }, "test", "role generator", "role reflector", "role verifier", "role teacher"]);
        await press(KEY.esc, "q");
        expect(calls).toEqual(["back", "quit"]);
    });

    it("make every key text in the form but its own (tab, shift+tab, up, down, enter, esc), backspace and ctrl+c", async () => {
        const { press, taken, calls } = mount();
        await press("a");
        expect(taken()).toEqual([{ type: "openAdd" }]);
        await press("q", "?", "t", "1", " ", KEY.del, KEY.tab, KEY.down, KEY.shiftTab, KEY.up, KEY.enter);
        expect(taken()).toEqual([
            ...["q", "?", "t", "1", " "].map((text) => ({ type: "formType", text })),
            { type: "formBackspace" },
            { type: "formMove", step: 1 },
            { type: "formMove", step: 1 },
            { type: "formMove", step: -1 },
            { type: "formMove", step: -1 },
            "save"
        ]);
        expect(calls).toEqual([]);
        await press(KEY.esc);
        expect(taken()).toEqual([{ type: "formCancel" }]);
        await press(KEY.enter, KEY.ctrlC);
        expect(taken()).toEqual([{ type: "openEdit" }]);
        expect(calls).toEqual(["quit"]);
    });

    it("answer the removal question with y, and keep with any other key", async () => {
        const { press, taken, calls } = mount();
        await press("d", "n");
        expect(taken()).toEqual([{ type: "ask", kind: "remove" }, "answer false", { type: "keep" }]);
        await press("x", "y");
        expect(taken()).toEqual([{ type: "ask", kind: "forgetKey" }, "answer true", { type: "keep" }]);
        // q at the question is an answer too, not a quit; ctrl+c still quits.
        await press("d", "q");
        expect(taken()).toEqual([{ type: "ask", kind: "remove" }, "answer false", { type: "keep" }]);
        expect(calls).toEqual([]);
        await press("d", KEY.ctrlC);
        expect(calls).toEqual(["quit"]);
    });

    it("under the help overlay only close it (? or esc) and quit", async () => {
        const { press, taken, calls } = mount();
        await press("?", "t", "a", "1", KEY.esc);
        expect(taken()).toEqual([{ type: "help", on: true }, { type: "help", on: false }]);
        await press("?", "q");
        expect(calls).toEqual(["quit"]);
    });
});
