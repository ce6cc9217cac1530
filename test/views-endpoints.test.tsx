// The endpoints screen over a real EndpointStore (temporary config folder) and a tiny local
// OpenAI-compatible server: connection tests with latency and errors, the masked key field, roles, removal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { EndpointStore } from "../src/endpoints/store.js";
import { closeLab, openLab } from "../src/lab.js";
import { SettingsStore } from "../src/settings.js";
import { DEMO_TASKS } from "../src/tasks/demo.js";
import { ENDPOINT_DEFAULTS, type Endpoint } from "../src/endpoints/types.js";
import { EndpointsScreen } from "../views/endpoints/EndpointsScreen.js";
import { helpBarItems, matchKey } from "../views/keymap.js";
import { mountLab } from "../views/run.js";
import { until } from "./helpers/ink.js";
import { ScriptedBackend } from "./helpers/scriptedBackend.js";

const SLOW_MS = 400;
const GOOD_KEY = "good-key-4711";
const MODELS = { object: "list", data: ["m1", "m2", "m3"].map((id) => ({ id, object: "model", owned_by: "test" })) };

let server: Server;
let base = "";
const dirs: string[] = [];

beforeAll(async () => {
    // /v1: open; /slow/v1: answers after SLOW_MS; /auth/v1: 401 unless the right bearer key comes with it.
    server = createServer((req, res) => {
        const json = (code: number, body: unknown) => {
            res.writeHead(code, { "content-type": "application/json" });
            res.end(JSON.stringify(body));
        };
        const url = req.url ?? "";
        if (url.startsWith("/auth/") && req.headers.authorization !== `Bearer ${GOOD_KEY}`) return json(401, { error: { message: "invalid api key", type: "invalid_request_error" } });
        if (url === "/v1/models" || url === "/auth/v1/models") return json(200, MODELS);
        if (url === "/slow/v1/models") return void setTimeout(() => json(200, MODELS), SLOW_MS);
        json(404, { error: { message: "not found" } });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempStore() {
    const cwd = mkdtempSync(join(tmpdir(), "rl-views-endpoints-"));
    dirs.push(cwd);
    return { cwd, store: new EndpointStore({ cwd }) };
}

const endpoint = (name: string, path: string, extra: Partial<Endpoint> = {}): Endpoint => ({ name, baseURL: `${base}${path}`, model: "m1", ...ENDPOINT_DEFAULTS, ...extra });

function mount(store: EndpointStore) {
    const calls = { back: 0, quit: 0 };
    const ui = render(<EndpointsScreen endpoints={store} onBack={() => calls.back++} onQuit={() => calls.quit++} />);
    const frame = () => ui.lastFrame() ?? "";
    const press = async (keys: string) => {
        ui.stdin.write(keys);
        await new Promise((r) => setTimeout(r, 25));
    };
    const waitFor = (what: string | RegExp, ms?: number) => until(frame, (f) => (typeof what === "string" ? f.includes(what) : what.test(f)), String(what), ms);
    return { ui, calls, frame, press, waitFor };
}

const TAB = "\t";
const ENTER = "\r";
const ESC = "\u001B";
const DOWN = "\u001B[B";

describe("endpoints screen", () => {
    it("adds an endpoint with a masked key, tests it, shows validation errors inline, assigns roles and removes it after asking", async () => {
        const { cwd, store } = tempStore();
        const secret = "sk-very-secret-0123456789";
        const { ui, calls, frame, press, waitFor } = mount(store);
        try {
            await waitFor("no endpoints yet");
            expect(frame()).toMatch(/generator\s+→ local model/);
            expect(frame()).toMatch(/teacher\s+→ none/);

            // Add: name, URL, model, no key variable, a typed key.
            await press("a");
            await waitFor("add an endpoint");
            await press("locall");
            await press("\u007F");
            await waitFor("local▌");
            await press(TAB);
            await press(`${base}/auth/v1`);
            await press(TAB);
            await press("m2");
            await press(TAB);
            await press(TAB);
            await press(secret);
            await waitFor("•".repeat(secret.length));
            // q and ? are text inside the form.
            expect(calls.quit).toBe(0);
            await press(ENTER);
            await waitFor("added local");
            expect(store.get("local")).toMatchObject({ name: "local", baseURL: `${base}/auth/v1`, model: "m2", concurrency: ENDPOINT_DEFAULTS.concurrency });
            expect(JSON.stringify(store.get("local"))).not.toContain(secret);
            expect(store.hasStoredKey("local")).toBe(true);
            expect(store.apiKey(store.get("local")!)).toBe(secret);
            expect(frame()).toMatch(/› local\s+http:\/\/127\.0\.0\.1:\d+\/auth\/v1\s+m2\s+×4\s+stored key/);
            expect(frame()).toContain("not tested");

            // The wrong key: the server's 401 shows, with the latency.
            await press("t");
            await waitFor(/failed · \d+ ms · via \w+ · .*401/);
            // Now the stored key is the one the server wants (typed into the edit form, replacing the old one).
            await press(ENTER);
            await waitFor("edit local");
            expect(frame()).toContain("stored: type to replace");
            await press(DOWN);
            await press(DOWN);
            await press(DOWN);
            await press(GOOD_KEY);
            await press(ENTER);
            await waitFor("saved local");
            expect(store.apiKey(store.get("local")!)).toBe(GOOD_KEY);
            await press("t");
            await waitFor(/ok · \d+ ms · via models · 3 models · \d\d:\d\d:\d\d/);
            expect(frame()).not.toContain("not among them");

            // A validation error from the store shows inline and nothing is saved.
            await press("a");
            await press("bad");
            await press(TAB);
            await press("not a url");
            await press(ENTER);
            await waitFor("✗");
            expect(frame()).toContain("add an endpoint");
            expect(store.get("bad")).toBeUndefined();
            // A name that exists is refused rather than overwritten.
            await press(ESC);
            await press("a");
            await press("local");
            await press(TAB);
            await press(`${base}/v1`);
            await press(ENTER);
            await waitFor("exists already");
            expect(store.get("local")!.baseURL).toBe(`${base}/auth/v1`);
            await press(ESC);
            await until(frame, (f) => !f.includes("add an endpoint"), "the form to close");

            // Roles: 2 makes it the reflector, 2 again hands the role back to the local model; both persist.
            await press("2");
            await waitFor(/reflector\s+→ local\b(?! model)/);
            expect(new EndpointStore({ cwd }).roles().reflector).toBe("local");
            await press("4");
            await waitFor(/teacher\s+→ local/);
            await press("2");
            await waitFor(/reflector\s+→ local model/);
            expect(new EndpointStore({ cwd }).roles()).toEqual({ teacher: "local" });

            // Removing asks first; anything but y keeps it.
            await press("d");
            await waitFor("remove local and its stored key?");
            await press("n");
            await waitFor("kept");
            expect(store.get("local")).toBeDefined();
            await press("d");
            await waitFor("remove local");
            await press("y");
            await waitFor("removed local");
            expect(new EndpointStore({ cwd }).get("local")).toBeUndefined();
            expect(frame()).toContain("no endpoints yet");

            // The key was never drawn, in any frame.
            expect(ui.frames.join("\n")).not.toContain(secret);
            expect(ui.frames.join("\n")).not.toContain(GOOD_KEY);

            await press(ESC);
            expect(calls.back).toBe(1);
        } finally {
            ui.unmount();
        }
    });

    it("shows testing… while a slow server answers, then its latency; keeps each endpoint's last result; names the key source", async () => {
        delete process.env.RL_TEST_KEY;
        const { store } = tempStore();
        store.upsert(endpoint("fast", "/v1"));
        store.upsert(endpoint("slow", "/slow/v1", { model: "not-served", apiKeyEnv: "RL_TEST_KEY" }));
        const { ui, frame, press, waitFor } = mount(store);
        try {
            await waitFor("fast");
            const row = (name: string) => frame().split("\n").findIndex((l) => new RegExp(`^\\W*${name}\\s`).test(l));
            const testLine = (name: string) => frame().split("\n")[row(name) + 1] ?? "";
            expect(frame().split("\n")[row("slow")]).toContain("$RL_TEST_KEY unset");
            expect(frame().split("\n")[row("fast")]).toContain("no key");

            const first = store.list()[0]!.name;
            if (first !== "fast") await press(DOWN);
            await press("t");
            await until(() => testLine("fast"), (l) => /ok · \d+ ms · via models · 3 models/.test(l), "the fast test");

            await press(first === "fast" ? DOWN : "\u001B[A");
            await press("t");
            await until(() => testLine("slow"), (l) => l.includes("testing…"), "testing…");
            const done = await until(() => testLine("slow"), (l) => l.includes("ok ·"), "the slow test", 5_000);
            expect(Number(/ok · (\d+) ms/.exec(done)![1])).toBeGreaterThanOrEqual(SLOW_MS - 50);
            // The server lists models, but not the configured one: every real request would fail.
            expect(done).toContain('"not-served" not among them');
            // The other endpoint's result stays.
            expect(testLine("fast")).toMatch(/ok · \d+ ms/);
        } finally {
            ui.unmount();
        }
    });

    it("is reached with e from the settings screen, and esc goes back there", async () => {
        const { cwd } = tempStore();
        const sessions = mkdtempSync(join(tmpdir(), "rl-views-endpoints-sessions-"));
        dirs.push(sessions);
        // The lab's screen opens the user's endpoint store: here the temporary config folder.
        const before = process.env.REFLECT_LAB_CONFIG_DIR;
        process.env.REFLECT_LAB_CONFIG_DIR = cwd;
        new EndpointStore({ cwd }).upsert(endpoint("vllm", "/v1"));
        const settingsStore = new SettingsStore(cwd);
        const lab = await openLab({ settings: settingsStore.load(), kind: "lab", backend: new ScriptedBackend([]), sessionsDir: sessions });
        const { element, store } = mountLab({ lab, tasks: DEMO_TASKS, settingsStore });
        const ui = render(element);
        const frame = () => ui.lastFrame() ?? "";
        const press = async (keys: string) => {
            ui.stdin.write(keys);
            await new Promise((r) => setTimeout(r, 30));
        };
        try {
            await press("s");
            await until(frame, (f) => f.includes("e endpoints"), "the settings help bar");
            await press("e");
            await until(frame, (f) => /› vllm\s+http:\/\/127\.0\.0\.1/.test(f), "the endpoints screen");
            expect(store.getState().screen).toBe("endpoints");
            // The screen owns its keys: t tests here (in the lab it would do nothing, s would not open settings).
            await press("t");
            await until(frame, (f) => /ok · \d+ ms · via models · 3 models/.test(f), "the test result");
            await press(ESC);
            await until(() => store.getState().screen, (s) => s === "settings", "back on the settings screen");
            await press(ESC);
            await until(() => store.getState().screen, (s) => s === "lab", "back in the lab");
        } finally {
            ui.unmount();
            await closeLab(lab);
            if (before === undefined) delete process.env.REFLECT_LAB_CONFIG_DIR;
            else process.env.REFLECT_LAB_CONFIG_DIR = before;
        }
    });

    it("puts its keys in the one keymap, with the form's keys apart from the list's", () => {
        const noKey = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };
        expect(matchKey("settings", "e", noKey)?.id).toBe("endpoints");
        expect(matchKey("endpoints", "t", noKey)?.id).toBe("endpoints.test");
        expect(matchKey("endpoints", "", { ...noKey, return: true })?.id).toBe("endpoints.edit");
        expect(matchKey("endpointForm", "", { ...noKey, return: true })?.id).toBe("endpoints.formSave");
        expect(matchKey("endpointForm", "", { ...noKey, tab: true, shift: true })?.id).toBe("endpoints.formPrev");
        expect(helpBarItems("settings").map((i) => i.id)).toContain("endpoints");
        expect(helpBarItems("endpoints").map((i) => i.label)).toEqual(expect.arrayContaining(["test", "add", "remove", "role", "back"]));
    });
});
