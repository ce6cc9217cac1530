// Hostile inputs fail at once, naming the file (and line or field), with nothing raw sent to the
// terminal: a crafted GGUF header, a FIFO or device as a task file, invalid UTF-8, control bytes,
// and an HTTP server answering 200 with something that is not an OpenAI reply. Hangs are caught by
// real child processes with a timeout (the test fails if the timeout had to end them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createNetServer, type Server as NetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkGgufFile, GgufFileError } from "../src/backend/ggufHeader.js";
import { modelSha256, resolveModelPath } from "../src/backend/modelFile.js";
import { OpenAIHost } from "../src/backend/openai.js";
import type { SamplerSettings } from "../src/backend/types.js";
import { probeEndpoint } from "../src/endpoints/probe.js";
import { endpointFrom } from "../src/endpoints/validate.js";
import { readRegularFile } from "../src/inputFile.js";
import { DEFAULT_MODEL_PATH } from "../src/paths.js";
import { isPrintable, printable, snippet } from "../src/terminalText.js";
import type { TaskFormatError } from "../src/tasks/jsonl.js";
import { loadTasks } from "../src/tasks/load.js";
import { readText } from "../src/tasks/readText.js";

const CLI = resolve("bin/reflect-lab.js");
const dir = mkdtempSync(join(tmpdir(), "rl-harden-"));
const env = () => ({ ...process.env, REFLECT_LAB_CONFIG_DIR: mkdtempSync(join(dir, "conf-")), REFLECT_LAB_SESSIONS: mkdtempSync(join(dir, "sess-")) });
const file = (name: string, content: string | Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
};

/** No C0/C1 control character (but newline and tab), no ESC: safe to show on a terminal. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
function expectClean(s: string): void {
    const m = RAW_CONTROL.exec(s);
    expect(m, m ? `raw control byte 0x${m[0].charCodeAt(0).toString(16)} at ${m.index} in ${JSON.stringify(s)}` : "").toBeNull();
}

/** The CLI in a child process, killed after `timeoutMs`; asserts it ended by itself. */
function cli(args: string[], timeoutMs = 30_000): SpawnSyncReturns<string> & { ms: number } {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [CLI, ...args], { env: env(), encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" });
    const ms = Date.now() - t0;
    expect(r.signal, `killed after ${ms} ms (a hang); stderr: ${r.stderr}`).toBeNull();
    expect(r.status).not.toBeNull();
    return { ...r, ms };
}

/** The same without blocking the event loop (an in-process HTTP stub must answer meanwhile). */
function cliAsync(args: string[], e: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
    return new Promise((res) => {
        const child = execFile(process.execPath, [CLI, ...args], { env: e, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" }, (err, stdout, stderr) => {
            res({ code: child.exitCode, signal: child.signalCode ?? (err as { signal?: string } | null)?.signal ?? null, stdout, stderr });
        });
    });
}

async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected a rejection");
}

/** A GGUF header: magic, version, tensor count, metadata count (64-bit counts from version 2 on). */
function ggufHeader(version: number, tensors: bigint, kvs: bigint): Buffer {
    const b = Buffer.alloc(24);
    b.write("GGUF", 0, "latin1");
    b.writeUInt32LE(version, 4);
    b.writeBigUInt64LE(tensors, 8);
    b.writeBigUInt64LE(kvs, 16);
    return b;
}

afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
});

describe("GGUF files are checked before node-llama-cpp reads them", () => {
    it("the default model's header is valid (read, not loaded)", () => {
        const h = checkGgufFile(DEFAULT_MODEL_PATH);
        expect(h).toMatchObject({ version: 3, tensorCount: 272, metadataCount: 33, alignment: 32 });
        expect(h.dataOffset).toBeGreaterThan(0);
        expect(h.dataOffset).toBeLessThan(h.fileSize);
    });

    it.each([1, 2, 3])("a minimal well-formed version %i file (one metadata entry, one F32 tensor) passes", (version) => {
        const n = (v: number | bigint) => {
            const b = Buffer.alloc(version === 1 ? 4 : 8);
            if (version === 1) b.writeUInt32LE(Number(v));
            else b.writeBigUInt64LE(BigInt(v));
            return b;
        };
        const u32 = (v: number) => Buffer.from(Uint32Array.of(v).buffer);
        const str = (t: string) => Buffer.concat([n(t.length), Buffer.from(t)]);
        const head = Buffer.concat([Buffer.from("GGUF"), u32(version), n(1), n(1), str("general.alignment"), u32(4), u32(32)]);
        const info = Buffer.concat([str("w"), u32(1), n(4), u32(0), Buffer.alloc(8)]);
        const meta = Buffer.concat([head, info]);
        const pad = Buffer.alloc((32 - (meta.length % 32)) % 32);
        const p = file(`v${version}.gguf`, Buffer.concat([meta, pad, Buffer.alloc(16)]));
        expect(checkGgufFile(p)).toMatchObject({ version, tensorCount: 1, metadataCount: 1, dataOffset: meta.length + pad.length });
        // One byte short of the tensor's 16 bytes of data.
        writeFileSync(p, Buffer.concat([meta, pad, Buffer.alloc(15)]));
        expect(() => checkGgufFile(p)).toThrow(/tensor 0 \("w"\) needs bytes \d+-\d+ but the file is only \d+ bytes: it is truncated/);
    });

    it("a 24-byte header claiming 2^40 tensors and 2^40 entries is refused, naming the file and the counts", () => {
        const p = file("huge-counts.gguf", ggufHeader(3, 2n ** 40n, 2n ** 40n));
        const e = (() => {
            try {
                checkGgufFile(p);
            } catch (err) {
                return err as Error;
            }
            throw new Error("accepted");
        })();
        expect(e).toBeInstanceOf(GgufFileError);
        expect(e.message).toContain(p);
        expect(e.message).toContain("claims 1099511627776 tensors and 1099511627776 metadata entries");
        expect(e.message).toContain("only 24 bytes");
    });

    it.each([
        ["empty", Buffer.alloc(0), "the file is empty"],
        ["short", Buffer.from("GGUF\x03\x00"), "too short for a GGUF header"],
        ["v2-short", Buffer.concat([Buffer.from("GGUF"), Buffer.from([2, 0, 0, 0]), Buffer.alloc(4)]), "too short for a GGUF version 2 header"],
        ["not-gguf", Buffer.from("\x00\x1b[2J\x07\x9b binary junk"), 'it starts with 00 1b 5b 32 ("\\x00\\x1b[2"), not "GGUF"'],
        ["html", Buffer.from("<!DOCTYPE html><html><body>404</body></html>"), "HTML/XML page"],
        ["lfs", Buffer.from("version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n"), "Git LFS pointer"],
        ["version", ggufHeader(7, 0n, 0n), "unsupported GGUF version 7"],
        ["key-length", Buffer.concat([ggufHeader(3, 0n, 1n), Buffer.from("ffffffffffffff3f", "hex"), Buffer.alloc(16)]), "metadata entry 0"],
        ["unknown-type", Buffer.concat([ggufHeader(3, 0n, 1n), Buffer.from("0100000000000000", "hex"), Buffer.from("k"), Buffer.from([99, 0, 0, 0]), Buffer.alloc(8)]), "unknown value type 99"],
        ["array-count", Buffer.concat([ggufHeader(3, 0n, 1n), Buffer.from("0100000000000000", "hex"), Buffer.from("k"), Buffer.from([9, 0, 0, 0, 8, 0, 0, 0]), Buffer.from("0000000000000010", "hex"), Buffer.alloc(8)]), "elements"]
    ])("%s: refused with a clear message", (name, bytes, expected) => {
        const p = file(`${name}.gguf`, bytes);
        let msg = "";
        try {
            checkGgufFile(p, "LoRA adapter");
        } catch (e) {
            expect(e).toBeInstanceOf(GgufFileError);
            msg = (e as Error).message;
        }
        expect(msg).toContain(`LoRA adapter ${p} is not a usable GGUF file`);
        expect(msg).toContain(expected);
        expectClean(msg);
    });

    it("a truncated copy of the real model is refused by the tensor that runs past its end", () => {
        const p = join(dir, "truncated.gguf");
        const buf = Buffer.alloc(2_000_000);
        const fd = openSync(DEFAULT_MODEL_PATH, "r");
        readSync(fd, buf, 0, buf.length, 0);
        closeSync(fd);
        writeFileSync(p, buf);
        expect(() => checkGgufFile(p)).toThrow(/tensor 0 \("token_embd\.weight"\) needs bytes \d+-\d+ but the file is only 2000000 bytes: it is truncated/);
        // Its metadata alone (cut inside the vocabulary) is truncated too.
        writeFileSync(p, buf.subarray(0, 500_000));
        expect(() => checkGgufFile(p)).toThrow(/metadata entry \d+ .*: the file is truncated or corrupt$/);
    });

    it("a FIFO or a directory as a model is refused without opening it for a blocking read (also when resolved or hashed)", async () => {
        const fifo = join(dir, "model-fifo.gguf");
        expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
        expect(() => checkGgufFile(fifo)).toThrow(`model ${fifo} is a FIFO (named pipe), not a regular file`);
        expect(() => checkGgufFile(dir)).toThrow(`model ${dir} is a directory, not a regular file`);
        expect((await rejection(resolveModelPath(fifo))).message).toContain(`model ${fifo} is a FIFO`);
        expect((await rejection(modelSha256(fifo))).message).toContain(`model ${fifo} is a FIFO`);
    }, 10_000);

    it("`ask --model <crafted.gguf> --json` fails in seconds without loading anything", () => {
        const p = file("crafted.gguf", ggufHeader(3, 2n ** 40n, 2n ** 40n));
        expect(readFileSync(p).length).toBe(24);
        const r = cli(["ask", "--model", p, "--json"]);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(`model ${p} is not a usable GGUF file: the header claims 1099511627776 tensors`);
        expect(r.stderr).not.toMatch(/^loading /m);
        expect(r.stdout).toBe("");
        expectClean(r.stderr);
        expect(r.ms).toBeLessThan(25_000);
    }, 40_000);

    it("a model file of control bytes is reported escaped", () => {
        const p = file("ansi.gguf", Buffer.from("\x1b]0;pwned\x07\x1b[2J\x00\x00\x00\x00\x00\x00"));
        const r = cli(["ask", "--model", p, "--json"]);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(`model ${p} is not a usable GGUF file: it starts with 1b 5d 30 3b ("\\x1b]0;")`);
        expectClean(r.stderr);
    }, 40_000);
});

describe("task files must be regular files of a bounded size", () => {
    let fifo = "";
    let sock = "";
    let sockServer: NetServer;
    beforeAll(async () => {
        fifo = join(dir, "tasks-fifo.jsonl");
        expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
        sock = join(dir, "tasks.sock");
        sockServer = createNetServer();
        await new Promise<void>((r) => sockServer.listen(sock, r));
    });
    afterAll(async () => {
        await new Promise((r) => sockServer.close(r));
    });

    it("`batch --tasks <fifo>` refuses in seconds, before any model loads", () => {
        const out = join(dir, "fifo-run");
        const r = cli(["batch", "--tasks", fifo, "--out", out]);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain(`task file ${fifo} is a FIFO (named pipe), not a regular file`);
        expect(r.stderr).not.toMatch(/^loading /m);
        expectClean(r.stderr);
        expect(r.ms).toBeLessThan(25_000);
    }, 40_000);

    it("a FIFO, a socket and a character device are refused by loadTasks and by the reader itself", async () => {
        expect((await rejection(loadTasks(fifo))).message).toContain(`task file ${fifo} is a FIFO (named pipe)`);
        expect((await rejection(loadTasks(sock))).message).toContain(`task file ${sock} is a socket`);
        expect((await rejection(loadTasks("/dev/zero"))).message).toContain("task file /dev/zero is a character device, not a regular file: it may never end");
        // The importers' reader, reached with an explicit format (no detection, no loadTasks stat).
        expect((await rejection(readText(fifo))).message).toContain(`task file ${fifo} is a FIFO`);
        expect((await rejection(loadTasks(fifo, { format: "mbpp" }))).message).toContain("is a FIFO");
    }, 10_000);

    it("a file over the size cap is refused with its size and the cap", async () => {
        const p = file("big.jsonl", "x".repeat(5000));
        const e = await rejection(readRegularFile(p, "task file", 4096));
        expect(e.message).toBe(`task file ${p} is 4.9 KiB, more than the 4.0 KiB an input file may have (REFLECT_LAB_MAX_INPUT_MB raises the limit)`);
    });
});

describe("invalid UTF-8 in a task file names the file and line", () => {
    const good = (i: number) => JSON.stringify({ id: `q${i}`, question: `What is ${i}+${i}?`, answer: String(2 * i) });
    const bad = Buffer.concat([Buffer.from(good(1) + "\n"), Buffer.from('{"id":"q2","question":"caf'), Buffer.from([0xe9]), Buffer.from('?","answer":"4"}\n'), Buffer.from(good(3) + "\n"), Buffer.from('{"id":"q4","question":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","answer":"8"}\n'), Buffer.from(good(5) + "\n")]);

    it("is an error by default: file, line, byte offset and the bad bytes", async () => {
        const p = file("latin1.jsonl", bad);
        const e = await rejection(loadTasks(p));
        expect(e.message).toMatch(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: invalid UTF-8 at byte \\d+ \\(column 27: 0xe9 0x3f 0x22 0x2c\\); task files must be UTF-8`));
        expectClean(e.message);
    });

    it("under skipInvalid only the bad lines are skipped, each reported with its line", async () => {
        const p = file("latin1-skip.jsonl", bad);
        let skipped: TaskFormatError[] = [];
        const set = await loadTasks(p, { skipInvalid: true, onSkipped: (errs) => (skipped = errs) });
        expect(set.items.map((i) => i.id)).toEqual(["q1", "q3", "q5"]);
        expect(skipped.map((s) => [s.file, s.line])).toEqual([
            [p, 2],
            [p, 4]
        ]);
        expect(skipped[1]!.message).toContain(`${p}:4: invalid UTF-8`);
    });

    it("works the same for the native importers: a ReflectEvo JSONL and LogiQA text blocks", async () => {
        const evo = file("math_test.jsonl", bad);
        expect((await rejection(loadTasks(evo, { format: "reflectevo" }))).message).toContain(`${evo}:2: invalid UTF-8`);
        const evoSet = await loadTasks(evo, { format: "reflectevo", skipInvalid: true });
        expect(evoSet.items).toHaveLength(3);

        const block = (ans: string, q: string) => `${ans}\nA passage.\n${q}\nA one\nB two\nC three\nD four\n`;
        const txt = Buffer.concat([Buffer.from(block("a", "First?") + "\n"), Buffer.from("b\nA passage with a Latin-1 "), Buffer.from([0xe9]), Buffer.from("\nSecond?\nA one\nB two\nC three\nD four\n\n"), Buffer.from(block("c", "Third?"))]);
        const lq = file("logiqa.txt", txt);
        expect((await rejection(loadTasks(lq))).message).toContain(`${lq}:10: invalid UTF-8`);
        let skipped: TaskFormatError[] = [];
        const lqSet = await loadTasks(lq, { skipInvalid: true, onSkipped: (e) => (skipped = e) });
        // The block holding the bad line is dropped whole; its neighbours stay, and only one error is reported.
        expect(lqSet.items.map((i) => i.question.split("\n")[1])).toEqual(["First?", "Third?"]);
        expect(skipped.map((s) => s.line)).toEqual([10]);
    });

    it("NUL bytes and UTF-16 are reported as what they are", async () => {
        const nul = file("nul.jsonl", Buffer.concat([Buffer.from(good(1) + "\n"), Buffer.from('{"id":"x\x00\x1b[31m"}\n')]));
        const e = await rejection(loadTasks(nul));
        expect(e.message).toBe(`${nul}:2: a NUL byte at byte ${good(1).length + 1 + 8} (column 9): binary data, not a text task file`);
        const u16 = file("utf16.jsonl", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good(1), "utf16le")]));
        expect((await rejection(loadTasks(u16))).message).toContain(`${u16}:1: invalid UTF-8 at byte 0 (column 1: 0xff 0xfe`);
        expect((await rejection(loadTasks(u16))).message).toContain("UTF-16 byte-order mark");
    });

    it("a whole-file JSON task (BIG-bench) names the line too", async () => {
        const p = join(mkdtempSync(join(dir, "bb-")), "task.json");
        writeFileSync(p, Buffer.concat([Buffer.from('{\n  "name": "t",\n  "examples": [\n    {"input": "caf'), Buffer.from([0xe9]), Buffer.from('", "target": "x"}\n  ]\n}\n')]));
        expect((await rejection(loadTasks(p))).message).toContain(`${p}:4: invalid UTF-8`);
    });

    it("`batch --skip-invalid` warns naming each skipped line, then goes on (here to a crafted model, refused in seconds)", () => {
        const p = file("batch-latin1.jsonl", bad);
        const model = file("batch-crafted.gguf", ggufHeader(3, 2n ** 40n, 2n ** 40n));
        const r = cli(["batch", "--tasks", p, "--skip-invalid", "--model", model, "--out", join(dir, "skip-run"), "--parallel", "1"]);
        expect(r.status).toBe(1);
        const warnings = r.stderr.split("\n").filter((l) => l.startsWith("skipped: "));
        expect(warnings).toHaveLength(2);
        expect(warnings[0]).toMatch(new RegExp(`^skipped: ${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: invalid UTF-8 at byte \\d+`));
        expect(warnings[1]).toContain(`${p}:4: invalid UTF-8`);
        expect(r.stderr).toContain(`model ${model} is not a usable GGUF file`);
        expectClean(r.stderr);
    }, 40_000);

    it("`ask --tasks <latin-1 file>` prints the file and line, before any model loads", () => {
        const p = file("ask-latin1.jsonl", bad);
        const r = cli(["ask", "--tasks", p, "--json"]);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(`reflect-lab: ${p}:2: invalid UTF-8`);
        expect(r.stderr).not.toMatch(/^loading /m);
        expectClean(r.stderr);
    }, 40_000);
});

describe("control characters never reach the terminal raw", () => {
    it("printable escapes C0/C1 controls, ESC, DEL, bidi overrides and lone surrogates; keeps newline, tab and ordinary Unicode", () => {
        expect(printable("a\x00b\x1b[31mc\x07\x7f\x9b\u202e\ud800")).toBe("a\\x00b\\x1b[31mc\\x07\\x7f\\x9b\\u202e\\ud800");
        expect(printable("line 1\n\tline 2 · café 日本語 😀 ✓")).toBe("line 1\n\tline 2 · café 日本語 😀 ✓");
        expect(printable("a\r\nb")).toBe("a\\x0d\nb");
        expect(printable("x\ny\tz", { oneLine: true })).toBe("x\\x0ay\\x09z");
        expect(snippet("0123456789", 4)).toBe("0123...");
        expect(snippet("😀😀😀", 2)).toBe("😀😀...");
        expect(isPrintable("ok\n")).toBe(true);
        expect(isPrintable("\x1b")).toBe(false);
    });

    it("a task file error quoting control characters is escaped (TaskFormatError) and printed so by the CLI", async () => {
        const p = file("ansi.jsonl", JSON.stringify({ id: "q1", question: "hi", answer: "x", family: "\u001b[2J\u0007\u202eevil" }) + "\n");
        const e = await rejection(loadTasks(p));
        expect(e.message).toBe(`${p}:1: field "family": expected one of "mc", "math", "code", "text", got "\\x1b[2J\\x07\\u202eevil"`);
        const r = cli(["ask", "--tasks", p, "--json"]);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(`${p}:1: field "family"`);
        expectClean(r.stderr);
    }, 40_000);
});

describe("a 200 reply that is not an OpenAI reply says what came back", () => {
    const HTML = "<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>" + "x".repeat(300) + "</body></html>";
    const BINARY = Buffer.from([0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0xff, 0x9b, 0x00, 0x41, 0x42, 0x43]);
    type Mode = "html" | "json" | "binary";
    let server: Server;
    let base = "";
    let mode: Mode = "html";
    let giveUp: NodeJS.Timeout;

    beforeAll(async () => {
        server = createHttpServer((req, res) => {
            req.resume();
            req.on("end", () => {
                if (mode === "html") return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(HTML);
                if (mode === "binary") return void res.writeHead(200, { "content-type": "application/octet-stream" }).end(BINARY);
                // Some other JSON API: no /models route, a chat reply without "choices".
                if (req.url?.endsWith("/models")) return void res.writeHead(404, { "content-type": "application/json" }).end('{"detail":"Not Found"}');
                res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", result: { text: "hello" } }));
            });
        });
        server.keepAliveTimeout = 1000;
        server.requestTimeout = 5000;
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
        // Bounded: the stub closes itself even if a test forgets to.
        giveUp = setTimeout(() => server.close(), 120_000);
        giveUp.unref();
    });
    afterAll(async () => {
        clearTimeout(giveUp);
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
    });

    const endpoint = () => endpointFrom({ name: "stub", baseURL: base, model: "m", maxRetries: 0, timeoutMs: 10_000 });
    const sampler: SamplerSettings = { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1, seed: 1, maxTokens: 8 };
    const chat = async (stream: boolean) => {
        const host = await OpenAIHost.open(endpoint(), undefined, { slots: 1 });
        try {
            return await rejection(host.generate({ messages: [{ role: "user", content: "hi" }], sampler, ...(stream ? { onText: () => {} } : {}) }));
        } finally {
            await host.dispose();
        }
    };
    const expected: Record<Mode, { chat: string; probe: string }> = {
        html: {
            chat: `the server at BASE/chat/completions answered 200 with text/html, not an OpenAI chat completion: "<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>xxx`,
            probe: `the server at BASE/models answered 200 with text/html, not an OpenAI model list: "<!DOCTYPE html>`
        },
        json: {
            chat: `the server at BASE/chat/completions answered 200 with application/json, not an OpenAI chat completion (it has no "choices"): "{"status":"ok","result":{"text":"hello"}}"`,
            probe: `the server at BASE/chat/completions answered 200 with application/json, not an OpenAI chat completion (it has no "choices")`
        },
        binary: {
            chat: `the server at BASE/chat/completions answered 200 with application/octet-stream, not an OpenAI chat completion: "\\x00\\x1b[2J\\x07\uFFFD`,
            probe: `the server at BASE/models answered 200 with application/octet-stream, not an OpenAI model list: "\\x00\\x1b[2J`
        }
    };
    const HINT = "(is the URL the /v1 endpoint of an OpenAI-compatible server?)";

    it.each(["html", "json", "binary"] as Mode[])("%s: a chat call (plain and streamed) and a probe name the status, type and start of the body", async (m) => {
        mode = m;
        const want = expected[m];
        for (const stream of [false, true]) {
            const e = await chat(stream);
            expect(e.message).toContain(`endpoint stub (${base}): `);
            expect(e.message).toContain(want.chat.replace("BASE", base));
            expect(e.message).toContain(HINT);
            expect(e.message).not.toContain("has no choices");
            expectClean(e.message);
        }
        const p = await probeEndpoint(endpoint(), undefined);
        expect(p.ok).toBe(false);
        expect(p.error).toContain(want.probe.replace("BASE", base));
        expect(p.error).toContain(HINT);
        expectClean(p.error!);
        if (m === "html") expect(p.error).toMatch(/xxx\.\.\." \(is the URL/); // cut at ~120 characters
    }, 20_000);

    it("`endpoints test` prints the same, escaped, and exits 1 by itself", async () => {
        const e = env();
        const add = spawnSync(process.execPath, [CLI, "endpoints", "add", "stub", "--url", base, "--model", "m", "--max-retries", "0"], { env: e, encoding: "utf8", timeout: 30_000 });
        expect(add.signal).toBeNull();
        expect(add.status, add.stderr).toBe(0);
        for (const m of ["html", "binary"] as Mode[]) {
            mode = m;
            const r = await cliAsync(["endpoints", "test", "stub"], e);
            expect(r.signal, `killed (a hang); stderr: ${r.stderr}`).toBeNull();
            expect(r.code).toBe(1);
            expect(r.stderr).toContain(`reflect-lab: endpoint stub (${base}): ${expected[m].probe.replace("BASE", base)}`);
            expectClean(r.stderr);
        }
    }, 60_000);
});
