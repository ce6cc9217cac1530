// The endpoints screen on an 80x24 terminal: no endpoints, many with long names, URLs and key
// variables, test results (a long failure), the add and edit forms with an error, the removal
// question and the help, each within 80 columns and 24 rows, in every frame drawn on the way.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProbeResult } from "../src/endpoints/probe.js";
import { EndpointStore } from "../src/endpoints/store.js";
import { ENDPOINT_DEFAULTS, type Endpoint } from "../src/endpoints/types.js";
import { EndpointsScreen } from "../views/endpoints/EndpointsScreen.js";
import { expectEveryFrameFits, expectRedrawOnResize } from "./helpers/fit.js";
import { mountOn, Term, until } from "./helpers/ink.js";

const dirs: string[] = [];
afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempStore() {
    const cwd = mkdtempSync(join(tmpdir(), "rl-views-endpoints-fit-"));
    dirs.push(cwd);
    return new EndpointStore({ cwd });
}

const LONG_REASON = "the server closed the connection before answering; check that it is started, that the port is right and that no proxy is in the way (tried twice)";

/** Endpoints named ok-* answer, the others fail with a long reason; each after a few milliseconds. */
const probe = async (e: Endpoint): Promise<ProbeResult> => {
    await new Promise((r) => setTimeout(r, 20));
    return e.name.startsWith("ok") ? { ok: true, latencyMs: 12, via: "models", models: [e.model, "other"] } : { ok: false, latencyMs: 40, via: "models", error: LONG_REASON };
};

/** The screen on a terminal (80x24 unless given); every frame is kept. */
function mount(store: EndpointStore, term = new Term()) {
    const m = mountOn(<EndpointsScreen endpoints={store} probe={probe} onBack={() => {}} onQuit={() => {}} />, { term });
    return { ...m, done: m.unmount };
}

/** No line wider than 80 columns, no frame taller than 24 rows: the last frame, and every one before it. */
const expectFits = (term: Term) => expectEveryFrameFits(term.frames);

const KEY = { up: "\u001B[A", down: "\u001B[B", tab: "\t", enter: "\r", esc: "\u001B" };
const ep = (name: string, extra: Partial<Endpoint> = {}): Endpoint => ({ name, baseURL: `http://127.0.0.1:8080/${name}/v1`, model: "m1", ...ENDPOINT_DEFAULTS, ...extra });

describe("the endpoints screen at 80x24", () => {
    it("fits with no endpoint, then the add form with an error", async () => {
        const m = mount(tempStore());
        try {
            await m.waitFor("no endpoints yet");
            expect(m.frame()).toMatch(/teacher\s+→ none/);
            expect(m.frame()).toContain("a add");
            await m.press("a", "x", KEY.tab, "not a url", KEY.enter);
            const f = await m.waitFor("✗");
            expect(f).toContain("add an endpoint");
            expect(f).toMatch(/› URL\s+not a url▌/);
            await m.press(KEY.esc);
            await until(m.frame, (f) => !f.includes("add an endpoint"), "the form to close");
            expectFits(m.term);
        } finally {
            m.done();
        }
    });

    it("fits with twelve endpoints with long names, URLs, models and key variables, their tests, the edit form, the question and the help", async () => {
        delete process.env.RL_FIT_A_VERY_LONG_VARIABLE_NAME_FOR_THE_KEY;
        const store = tempStore();
        store.upsert(ep("ok-local", { baseURL: `http://a-very-long-host-name.example.internal:8080/${"deep/".repeat(6)}v1`, model: "Qwen/Qwen2.5-7B-Instruct-GGUF-q4_k_m-with-a-long-suffix", apiKeyEnv: "RL_FIT_A_VERY_LONG_VARIABLE_NAME_FOR_THE_KEY" }));
        store.upsert(ep("down-with-an-overly-long-endpoint-name"));
        for (let i = 0; i < 10; i++) store.upsert(ep(`ok-${String(i).padStart(2, "0")}`));
        store.setKey("ok-00", "sk-123");
        expect(store.list()).toHaveLength(12);
        const m = mount(store);
        try {
            // A window of the list around the selection, the head saying which part is shown.
            let f = await m.waitFor(/key\s+1-\d+ of 12/);
            expect(f).toMatch(/› down-with-an…/);
            expect(f).toMatch(/generator\s+→ local model/);
            // A failure's whole reason shows, wrapped under its endpoint.
            await m.press("t");
            f = await m.waitFor(/failed · 40 ms · via models/);
            expect(f.replace(/[│\s]+/g, " ")).toContain(LONG_REASON.slice(0, 100));
            // Down the list: the window follows; the long URL, model and variable are cut in the middle.
            await m.press(...Array.from({ length: 11 }, () => KEY.down));
            f = await m.waitFor(/› ok-local/);
            expect(f).toMatch(/key\s+\d+-12 of 12/);
            expect(f).toMatch(/http:\/\/a-ver…eep\/deep\/v1 Qwen\/Q…suffix ×4/);
            expect(f).toMatch(/\$RL_FIT.*unset/);
            await m.press("t");
            await m.waitFor(/ok · 12 ms · via models · 2 models/);
            // The edit form: the roles fold to one row, the list keeps the edited endpoint in view.
            await m.press(KEY.enter);
            f = await m.waitFor("edit ok-local");
            expect(f).toMatch(/roles · generator → local model · reflector → local model/);
            expect(f).toContain("› ok-local");
            await m.press(KEY.esc);
            // The removal question, then a role, then the help.
            await m.press(KEY.up, "d");
            f = await m.waitFor("remove ok-09?");
            expect(f).toContain("y remove · any other key keep");
            await m.press("n", "2");
            await m.waitFor(/reflector\s+→ ok-09/);
            await m.press("?");
            await m.waitFor("endpoints: test the selected endpoint");
            await m.press(KEY.esc);
            await m.waitFor("OpenAI-compatible servers");
            expectFits(m.term);
        } finally {
            m.done();
        }
    });

    it("redraws to fit when the terminal shrinks from 120x40 to 80x24", async () => {
        const store = tempStore();
        for (let i = 0; i < 12; i++) store.upsert(ep(`ok-${String(i).padStart(2, "0")}`));
        const m = mount(store, new Term(120, 40));
        try {
            await m.waitFor(/› ok-00/);
            const lines = await expectRedrawOnResize(m.term, 80, 24);
            const f = lines.join("\n");
            expect(f).toContain("› ok-00");
            // 24 rows hold a window of the twelve, and the head says so.
            expect(f).toMatch(/key\s+1-\d+ of 12/);
            expect(lines.at(-1)).toMatch(/\? help · q quit/);
        } finally {
            m.done();
        }
    });
});
