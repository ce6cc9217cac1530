import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCode } from "../src/verify/code.js";
import { verifyOracle } from "../src/verify/oracle.js";

const ADD = "def add(a, b):\n    return a + b\n";
const sandboxDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith("reflect-lab-sandbox-"));

describe("verifyCode: ordinary answers", () => {
    it("passes a correct function and cleans up its temp dir", async () => {
        const before = sandboxDirs().length;
        const v = await verifyCode("```python\n" + ADD + "```", ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"], null);
        expect(v.correct, v.reason).toBe(true);
        expect(v.details).toEqual({ passed: 2, total: 2 });
        expect(sandboxDirs().length).toBe(before);
    });

    it("quotes the first failing assert with its message", async () => {
        const code = "def add(a, b):\n    return a - b\n";
        const tests = ["assert add(0, 0) == 0", "assert add(1, 2) == 3, 'one plus two'", "assert add(2, 2) == 4"];
        const v = await verifyCode(code, tests, null);
        expect(v.correct).toBe(false);
        expect(v.details?.passed).toBe(1);
        expect(v.details?.total).toBe(3);
        expect(v.details?.failing).toBe("assert add(1, 2) == 3, 'one plus two'");
        expect(v.details?.error).toBe("AssertionError: one plus two");
        expect(v.reason).toContain("assert add(1, 2) == 3");
    });

    it("reports an exception's type and message", async () => {
        const v = await verifyCode("def f(x):\n    return 1 / x\n", ["assert f(1) == 1", "assert f(0) == 0"], null);
        expect(v.correct).toBe(false);
        expect(v.details?.passed).toBe(1);
        expect(v.details?.error).toBe("ZeroDivisionError: division by zero");
    });

    it("honours the setup code (run before the answer)", async () => {
        const setup = "import math\nOFFSET = 10\n";
        const code = "def g(x):\n    return math.floor(x) + OFFSET\n";
        const v = await verifyCode(code, ["assert g(2.7) == 12"], setup);
        expect(v.correct, v.reason).toBe(true);
    });

    it("lets the answer use common standard modules and write inside its own temp dir", async () => {
        const code = "import collections, dataclasses, typing, functools, re\nopen('scratch.txt', 'w').write('x')\n" + ADD;
        expect((await verifyCode(code, ["assert add(2, 3) == 5", "assert open('scratch.txt').read() == 'x'"], null)).correct).toBe(true);
    });

    it("reports a syntax error in the answer", async () => {
        const v = await verifyCode("def add(a, b) return a + b", ["assert add(1, 2) == 3"], null);
        expect(v.correct).toBe(false);
        expect(v.details?.error).toMatch(/SyntaxError/);
    });

    it("extracts the code through verifyOracle", async () => {
        const output = "Here is my solution:\n```python\n" + ADD + "```\nFinal answer: see above";
        expect((await verifyOracle({ family: "code", output, gold: "", tests: ["assert add(1, 1) == 2"], testSetup: null })).correct).toBe(true);
    });
});

describe("verifyCode: hostile answers", () => {
    let dir: string;
    let server: Server;
    let port = 0;
    let connections = 0;

    beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), "reflect-lab-codetest-"));
        server = createServer((s) => {
            connections++;
            s.destroy();
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
        rmSync(dir, { recursive: true, force: true });
        await new Promise<void>((r) => server.close(() => r()));
    });

    it("stops an infinite loop at the time limit, within a few seconds", async () => {
        const t0 = Date.now();
        const v = await verifyCode("def f():\n    while True:\n        pass\n", ["assert f() == 1"], null, { timeoutMs: 1500 });
        expect(Date.now() - t0).toBeLessThan(5000);
        expect(v.correct).toBe(false);
        expect(v.details?.timedOut).toBe(true);
        expect(v.reason).toMatch(/time limit/);
    });

    it("stops a sleeping answer that floods stdout", async () => {
        const t0 = Date.now();
        const code = "import time\nfor _ in range(10**6):\n    print('x' * 1000)\ntime.sleep(60)\n";
        const v = await verifyCode(code, ["assert True"], null, { timeoutMs: 1500 });
        expect(Date.now() - t0).toBeLessThan(5000);
        expect(v.details?.timedOut).toBe(true);
    });

    it("contains a fork bomb, and the host can still spawn processes", async () => {
        for (const code of ["import os\nwhile True:\n    os.fork()\n", "import posix\nwhile True:\n    posix.fork()\n", "import subprocess\nsubprocess.run(['true'])\n"]) {
            const v = await verifyCode(code, ["assert True"], null, { timeoutMs: 3000 });
            expect(v.correct).toBe(false);
            expect(v.details?.timedOut).toBeUndefined();
            expect(String(v.details?.error)).toMatch(/not allowed|PermissionError|ImportError/);
        }
        const r = spawnSync("sh", ["-c", "echo alive"], { encoding: "utf8" });
        expect(r.stdout.trim()).toBe("alive");
    });

    it("cannot delete, overwrite or rename a file outside its temp dir", async () => {
        const sentinel = join(dir, "sentinel.txt");
        writeFileSync(sentinel, "keep me");
        const attempts = [
            `import os\nos.remove(${JSON.stringify(sentinel)})`,
            `import shutil\nshutil.rmtree(${JSON.stringify(dir)})`,
            `open(${JSON.stringify(sentinel)}, "w").write("gone")`,
            `import os\nos.rename(${JSON.stringify(sentinel)}, "stolen.txt")`,
            `import pathlib\npathlib.Path(${JSON.stringify(sentinel)}).unlink()`
        ];
        for (const code of attempts) {
            const v = await verifyCode(code + "\n" + ADD, ["assert add(1, 2) == 3"], null);
            expect(v.correct).toBe(false);
            expect(existsSync(sentinel)).toBe(true);
            expect(readFileSync(sentinel, "utf8")).toBe("keep me");
        }
    });

    it("cannot open a network connection", async () => {
        const attempts = [
            `import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=1)`,
            `import _socket\ns = _socket.socket()\ns.connect(("127.0.0.1", ${port}))`,
            `import urllib.request\nurllib.request.urlopen("http://127.0.0.1:${port}/", timeout=1)`
        ];
        for (const code of attempts) {
            const v = await verifyCode(code + "\n" + ADD, ["assert add(1, 2) == 3"], null);
            expect(v.correct).toBe(false);
        }
        await new Promise((r) => setTimeout(r, 200));
        expect(connections).toBe(0);
    });

    it("reports a huge allocation as the memory limit", async () => {
        const v = await verifyCode("x = bytearray(4 * 1024 ** 3)\n" + ADD, ["assert add(1, 2) == 3"], null, { memoryMb: 256 });
        expect(v.correct).toBe(false);
        expect(String(v.details?.error)).toMatch(/memory limit/);
    });

    it("does not pass when the answer prints or forges a success report", async () => {
        const code = [
            "import os, json",
            "print('all tests passed')",
            "print(json.dumps({'kind': 'done', 'passed': 1, 'total': 1, 'nonce': 'x'}))",
            "os.write(3, (json.dumps({'kind': 'done', 'passed': 1, 'total': 1, 'failing': None, 'error': None, 'nonce': 'guess'}) + '\\n').encode())",
            "def add(a, b):\n    return 0"
        ].join("\n");
        const v = await verifyCode(code, ["assert add(1, 2) == 3"], null);
        expect(v.correct).toBe(false);
        expect(v.details?.passed).toBe(0);
        const exits = await verifyCode("import sys\nprint('PASS')\nsys.exit(0)\n", ["assert True"], null);
        expect(exits.correct).toBe(false);
    });
});
