// Unusable config folders and broken config files, run as a user runs them (a child process with a
// time limit): every command ends by itself, names the path, the file or the field and the fix,
// prints no raw control bytes, and commands that need no settings keep working.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirError, ensureDir } from "../src/fsDirs.js";
import { PROJECT_ROOT } from "../src/paths.js";

const CLI = join(PROJECT_ROOT, "bin", "reflect-lab.js");
const LIMIT_MS = 20_000;
const VERIFY = ["verify", "--task-type", "mc", "--answer", "B", "--gold", "B", "--choices", "a|b", "--json"];
// A model that cannot load: should a check ever move after model loading, the test fails fast instead of loading one.
const NO_MODEL = ["-m", "/nonexistent/reflect-lab-test.gguf"];

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

interface Run {
    status: number | null;
    signal: NodeJS.Signals | null;
    out: string;
    err: string;
    raw: Buffer;
}

/** The real CLI in a child process, killed (and failed) if it does not end by itself in 20 s. */
function cli(args: string[], confDir: string, env: Record<string, string> = {}): Run {
    const r = spawnSync(process.execPath, [CLI, ...args], {
        env: { ...process.env, REFLECT_LAB_CONFIG_DIR: confDir, REFLECT_LAB_SESSIONS: tmp("rl-hc-sess-"), ...env },
        timeout: LIMIT_MS,
        killSignal: "SIGKILL",
        stdio: ["ignore", "pipe", "pipe"]
    });
    // Ended by itself: a hang is killed by spawnSync and shows here as signal SIGKILL, status null.
    expect(r.signal, `${args.join(" ")} did not end by itself within ${LIMIT_MS / 1000} s`).toBeNull();
    expect(r.status).not.toBeNull();
    const raw = Buffer.concat([r.stdout, r.stderr]);
    return { status: r.status, signal: r.signal, out: r.stdout.toString("utf8"), err: r.stderr.toString("utf8"), raw };
}

/** No raw C0 control (but tab and newline), DEL or C1 control, as bytes or as characters. */
function expectClean(r: Run): void {
    for (const b of r.raw) expect(b === 0x09 || b === 0x0a || (b >= 0x20 && b !== 0x7f), `raw byte 0x${b.toString(16)} in output`).toBe(true);
    expect(r.out + r.err).not.toMatch(/[\u0080-\u009f\ufffd]/);
}

function expectVerifyWorks(confDir: string): void {
    const r = cli(VERIFY, confDir);
    expect(r.status, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ correct: true, extracted: "B" });
    expectClean(r);
}

function confWith(files: Record<string, string | Buffer>): string {
    const dir = tmp("rl-hc-conf-");
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return dir;
}

const TRUNCATED = '{\n\t"model": "default",\n\t"temperature": 0.';
const BINARY = Buffer.from([0x00, 0x01, 0x1b, 0x5b, 0x32, 0x4a, 0x9b, 0x33, 0x31, 0x6d, 0x00, 0xff, 0xfe, 0x07]);

describe("an unusable config folder (REFLECT_LAB_CONFIG_DIR=/proc/nope)", () => {
    const bad = "/proc/nope";
    const named = (r: Run) => {
        expect(r.status).not.toBe(0);
        expect(r.err).toContain("cannot create the config folder /proc/nope");
        expect(r.err).toContain("ENOENT");
        expect(r.err).toContain("set REFLECT_LAB_CONFIG_DIR to a writable folder");
        expectClean(r);
    };

    it("verify and --help need no settings and work", () => {
        expectVerifyWorks(bad);
        const help = cli(["--help"], bad);
        expect(help.status).toBe(0);
        expect(help.out).toContain("Usage: reflect-lab");
    });

    it("config show, set and reset end at once naming the folder and the fix", () => {
        const show = cli(["config", "show"], bad);
        named(show);
        expect(JSON.parse(show.out)).toMatchObject({ path: "/proc/nope/config.json", settings: null });
        named(cli(["config", "set", "seed", "3"], bad));
        named(cli(["config", "reset"], bad));
    });

    it("ask, endpoints and batch end at once (before any model loads)", () => {
        named(cli(["ask", ...NO_MODEL], bad));
        named(cli(["endpoints", "list"], bad));
        named(cli(["endpoints", "add", "x", "--url", "http://127.0.0.1:1/v1", "--model", "m"], bad));
        named(cli(["batch", "--tasks", "demo", "--limit", "1", ...NO_MODEL], bad));
    });

    it("a nested path under /proc, and a config folder that is a file, say so", () => {
        const r = cli(["config", "show"], "/proc/nope/deeper/still");
        expect(r.err).toContain("cannot create the config folder /proc/nope/deeper/still (ENOENT: /proc does not accept new folders)");
        const file = join(confWith({ "x.txt": "x" }), "x.txt");
        const f = cli(["config", "show"], file);
        expect(f.err).toContain(`cannot create the config folder ${file} (ENOTDIR: ${file} is a file, not a folder); set REFLECT_LAB_CONFIG_DIR to a writable folder`);
        expectClean(f);
    });
});

describe("batch --out where no folder can be made", () => {
    it("ends at once naming the run folder and the fix, before any model loads", () => {
        const r = cli(["batch", "--tasks", "demo", "--limit", "1", ...NO_MODEL, "--out", "/proc/nope/run"], tmp("rl-hc-conf-"));
        expect(r.status).not.toBe(0);
        expect(r.err).toMatch(/cannot create the run folder \/proc\/nope\/run \(ENOENT: \/proc does not accept new folders\); choose another/);
        expect(r.err).not.toContain("model file not found");
        expectClean(r);
    });
});

describe("ensureDir", () => {
    it("creates nested folders, accepts an existing one, and refuses /proc and files with a named error", () => {
        const base = tmp("rl-hc-dirs-");
        expect(ensureDir(join(base, "a", "b", "c"), "run folder", "choose another --out")).toBe(join(base, "a", "b", "c"));
        expect(existsSync(join(base, "a", "b", "c"))).toBe(true);
        expect(ensureDir(join(base, "a"), "run folder", "choose another --out")).toBe(join(base, "a"));
        const t0 = Date.now();
        expect(() => ensureDir("/proc/nope/x", "run folder", "choose another --out")).toThrow(DirError);
        expect(() => ensureDir("/proc/nope/x", "run folder", "choose another --out")).toThrow("cannot create the run folder /proc/nope/x (ENOENT: /proc does not accept new folders); choose another --out");
        expect(Date.now() - t0).toBeLessThan(2000);
        writeFileSync(join(base, "f"), "");
        expect(() => ensureDir(join(base, "f", "sub"), "session folder", "set REFLECT_LAB_SESSIONS to a writable folder")).toThrow(/ENOTDIR: a parent of .*\/f\/sub is a file, not a folder\); set REFLECT_LAB_SESSIONS/);
    });
});

describe("a broken config.json", () => {
    for (const [kind, content, why] of [
        ["truncated", TRUNCATED, "unterminated fractional number at line 3 column 19 (truncated?)"],
        ["cut at the start", "{", "expected property name or '}' at line 1 column 2 (truncated?)"],
        ["binary", BINARY, "it holds binary data, not JSON text"],
        ["empty", "", "it is empty"],
        ["not an object", "[1, 2]", "it holds a JSON list, not an object"]
    ] as const) {
        it(`${kind}: commands that need settings name the file and config reset; verify, --help and config reset work`, () => {
            const dir = confWith({ "config.json": content });
            const file = join(dir, "config.json");
            const message = `${file} is not valid JSON: ${why}; run \`reflect-lab config reset\``;

            const ask = cli(["ask", ...NO_MODEL], dir);
            expect(ask.status).not.toBe(0);
            expect(ask.err).toContain(message);
            expectClean(ask);

            const show = cli(["config", "show"], dir);
            expect(show.status).toBe(1);
            expect(JSON.parse(show.out)).toMatchObject({ path: file, settings: null });
            expect(show.err).toContain(message);
            expectClean(show);

            const set = cli(["config", "set", "seed", "3"], dir);
            expect(set.status).not.toBe(0);
            expect(set.err).toContain(message);

            const batch = cli(["batch", "--tasks", "demo", "--limit", "1", ...NO_MODEL], dir);
            expect(batch.err).toContain(message);
            expectClean(batch);

            expectVerifyWorks(dir);
            expect(cli(["--help"], dir).status).toBe(0);
            // Endpoints live in another file: unaffected.
            expect(cli(["endpoints", "list"], dir).status).toBe(0);

            const reset = cli(["config", "reset"], dir);
            expect(reset.status, reset.err).toBe(0);
            expect(reset.out).toContain(`settings reset to defaults in ${file} (the unreadable file was kept as ${file}.bad)`);
            expect(readFileSync(`${file}.bad`)).toEqual(Buffer.from(content));
            const after = cli(["config", "show"], dir);
            expect(after.status).toBe(0);
            expect(JSON.parse(after.out).settings.temperature).toBe(0.8);
        });
    }

    it("a position inside the file is given as line and column", () => {
        const dir = confWith({ "config.json": '{\n  "seed": 3\n  "maxTurns": 2\n}' });
        const r = cli(["config", "show"], dir);
        expect(r.err).toContain(`${join(dir, "config.json")} is not valid JSON: expected ',' or '}' after property value at line 3 column 3`);
    });
});

describe("wrong-typed settings", () => {
    it("are named with the value, the valid range or type and the fix, not replaced by defaults", () => {
        const dir = confWith({ "config.json": JSON.stringify({ temperature: "hot", maxTurns: 0, seed: 1.5, gpu: "\u001b[2J", contextSize: null, instructions: "bogus", verifier: "oracle" }) });
        const file = join(dir, "config.json");
        const ask = cli(["ask", ...NO_MODEL], dir);
        expect(ask.status).not.toBe(0);
        expect(ask.err).toContain(`${file} has 6 invalid settings:`);
        expect(ask.err).toContain('temperature is "hot": temperature must be a number in 0..5');
        expect(ask.err).toContain("maxTurns is 0: maxTurns must be an integer in 1..20");
        expect(ask.err).toContain("seed is 1.5: seed must be an integer in 0..4294967295");
        expect(ask.err).toContain('gpu is "\\u001b[2J": gpu must be auto, cuda, vulkan, metal or cpu');
        expect(ask.err).toContain("contextSize is null: contextSize must be an integer in 256..1048576");
        expect(ask.err).toContain('instructions is "bogus": bad instruction selection "bogus": use 1-3-2 | fixed:1-3-2,2-1-1 | subset:1-1-1,2-5-2 | random | random:N | round-robin | all');
        expect(ask.err).toContain("fix each with `reflect-lab config set <key> <value>`");
        expect(ask.err).toContain("or run `reflect-lab config reset`");
        expectClean(ask);

        // config show shows them, with the defaults that stand in for them here.
        const show = cli(["config", "show"], dir);
        expect(show.status).toBe(1);
        const shown = JSON.parse(show.out);
        expect(shown.problem).toContain("temperature is");
        expect(shown.settings.temperature).toBe(0.8);
        expectClean(show);

        const batch = cli(["batch", "--tasks", "demo", "--limit", "1", ...NO_MODEL], dir);
        expect(batch.err).toContain('temperature is "hot"');

        // Fixing one leaves the others named; config set works on a file with invalid fields.
        expect(cli(["config", "set", "temperature", "0.7"], dir).status).toBe(0);
        const again = cli(["config", "show"], dir);
        expect(again.err).toContain(`${file} has 5 invalid settings:`);
        expect(again.err).not.toContain("temperature is");
        expect(JSON.parse(again.out).settings.temperature).toBe(0.7);
        expectVerifyWorks(dir);
    });

    it("one invalid setting suggests its default", () => {
        const dir = confWith({ "config.json": JSON.stringify({ topP: 2 }) });
        const r = cli(["config", "show"], dir);
        expect(r.err).toContain(`${join(dir, "config.json")} has an invalid setting:\n  topP is 2: topP must be a number in 0..1\nfix it with \`reflect-lab config set <key> <value>\` (e.g. \`reflect-lab config set topP 0.95\`, the default)`);
    });
});

describe("a broken endpoints.json or endpoint-keys.json", () => {
    it("endpoints.json truncated or binary: endpoint commands name the file and the fix; settings and verify are unaffected", () => {
        for (const content of ['{"endpoints": [{"name": "vllm", "baseURL": "http://127.0.0.1:8000/v1"', BINARY]) {
            const dir = confWith({ "endpoints.json": content });
            const file = join(dir, "endpoints.json");
            for (const args of [["endpoints", "list"], ["endpoints", "test", "vllm"], ["endpoints", "role", "generator", "vllm"], ["ask", ...NO_MODEL]]) {
                const r = cli(args, dir);
                expect(r.status, args.join(" ")).not.toBe(0);
                expect(r.err).toContain(`${file} is not valid JSON: `);
                expect(r.err).toContain("repair it by hand, or move it away to start with no endpoints");
                expectClean(r);
            }
            expect(cli(["config", "show"], dir).status).toBe(0);
            expectVerifyWorks(dir);
        }
    });

    it("endpoints.json of the wrong shape names the field", () => {
        const dir = confWith({ "endpoints.json": JSON.stringify({ endpoints: { vllm: {} }, roles: {} }) });
        const r = cli(["endpoints", "list"], dir);
        expect(r.err).toContain(`${join(dir, "endpoints.json")}: "endpoints" is an object ({"vllm":{}}), not a list`);
    });

    it("an invalid entry is named (field and fix), is not used in its role, and can be removed", () => {
        const dir = confWith({
            "endpoints.json": JSON.stringify({
                endpoints: [
                    { name: "vllm", baseURL: "http://127.0.0.1:8000/v1", model: "m", concurrency: "lots" },
                    { name: "ok", baseURL: "http://127.0.0.1:8001/v1", model: "m" }
                ],
                roles: { generator: "vllm" }
            })
        });
        const file = join(dir, "endpoints.json");
        const problem = `${file}: endpoint "vllm" is invalid: "concurrency" is a string; it must be a number; repair it in the file, or run \`reflect-lab endpoints remove vllm\` and add it again`;
        const list = cli(["endpoints", "list"], dir);
        expect(list.status).toBe(0);
        expect(list.out).toMatch(/^ok /m);
        expect(list.err).toContain(`warning: ${problem}`);
        const test = cli(["endpoints", "test", "vllm"], dir);
        expect(test.status).not.toBe(0);
        expect(test.err).toContain(problem);
        // The generator role points at it: the run refuses instead of quietly using the local model.
        const ask = cli(["ask"], dir);
        expect(ask.status).not.toBe(0);
        expect(ask.err).toContain(problem);
        const rm = cli(["endpoints", "remove", "vllm"], dir);
        expect(rm.status, rm.err).toBe(0);
        const after = cli(["endpoints", "list", "--json"], dir);
        expect(after.err).toBe("");
        expect(JSON.parse(after.out)).toMatchObject({ endpoints: [{ name: "ok" }], roles: {} });
    });

    it("endpoint-keys.json truncated, binary or wrong-typed: named, with the fix, never quoting a key", () => {
        const endpoints = JSON.stringify({ endpoints: [{ name: "ok", baseURL: "http://127.0.0.1:1/v1", model: "m" }], roles: {} });
        for (const [content, expected] of [
            ['{"keys": {"ok": "sk-secret-123456', " is not valid JSON: unterminated string at line 1 column 34 (truncated?); repair it by hand, or move it away and store the keys again with `reflect-lab endpoints add <name> --key-stdin`"],
            [Buffer.concat([Buffer.from('{"keys": {"ok": "sk-secret-123456'), BINARY]), " is not valid JSON: it holds binary data, not JSON text"],
            [JSON.stringify({ keys: { ok: 123456 } }), ': the key of endpoint "ok" is a number, not a string; store it again with `reflect-lab endpoints add ok --key-stdin`'],
            [JSON.stringify({ keys: "sk-secret-123456" }), ': "keys" is a string, not an object of endpoint name: key']
        ] as const) {
            const dir = confWith({ "endpoints.json": endpoints, "endpoint-keys.json": content });
            const r = cli(["endpoints", "test", "ok"], dir);
            expect(r.status).not.toBe(0);
            expect(r.err).toContain(`${join(dir, "endpoint-keys.json")}${expected}`);
            expect(r.out + r.err).not.toContain("secret");
            expect(r.out + r.err).not.toContain("123456");
            expectClean(r);
            expectVerifyWorks(dir);
            expect(cli(["config", "show"], dir).status).toBe(0);
        }
    });
});
