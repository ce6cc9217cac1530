// Hostile code answers against the real verifier that batch runs use (itemOracle -> verifyOracle
// -> verifyCode). Every case must end "incorrect", and containment is checked from OUTSIDE the
// sandbox after each one: canary files untouched, no new files, no surviving sandbox process, no
// connection to a loopback server, no secret text in the verdict.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { itemOracle } from "../src/lab.js";
import { PROJECT_ROOT } from "../src/paths.js";
import type { TaskItem } from "../src/tasks/types.js";
import { codeIsolation } from "../src/verify/isolation.js";
import { Judge } from "../src/verify/judge.js";

const SECRET = `sk-canary-${randomBytes(8).toString("hex")}`;
const CANARY_TEXT = "canary: keep me";

let hostTmp: string; // in the host's /tmp
let projectDir: string; // inside the project tree
let configDir: string; // a config dir holding an API key
let server: Server;
let port = 0;
let connections = 0;
let sleeper: ChildProcess;

const canaries = (): string[] => [join(hostTmp, "canary.txt"), join(projectDir, "canary.txt"), join(configDir, "endpoint-keys.json")];

function snapshot(): string {
    return [hostTmp, projectDir, configDir].map((d) => readdirSync(d).sort().join(",")).join("|");
}

/** Processes still running the sandbox's runner (its source is in the command line) or bwrap. */
function sandboxProcesses(): string[] {
    const found: string[] = [];
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
            const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
            if (cmd.includes("Runs an untrusted code answer for reflect-lab") || cmd.startsWith("bwrap\0") || cmd.includes("/bwrap\0")) found.push(pid);
        } catch {
            /* gone */
        }
    }
    return found;
}

function item(tests: string[], setup: string | null = null): TaskItem {
    return { id: "hostile", task: "hostile", family: "code", question: "q", choices: null, answer: "", answer_index: null, tests, test_setup: setup };
}

const q = JSON.stringify;
const ADD_WRONG = "def add(a, b):\n    return 0\n";

interface Case {
    name: string;
    code: () => string;
    tests?: string[];
    /** Extra wait before checking from outside (delayed actions). */
    settleMs?: number;
    reason?: RegExp;
}

const CASES: Case[] = [
    // Files outside the sandbox: written, deleted, renamed, as whoever the answer is.
    { name: "overwrite a host file", code: () => `open(${q(canaries()[0])}, "w").write("gone")\n${ADD_WRONG}` },
    { name: "delete a host file", code: () => `import os\nos.remove(${q(canaries()[0])})\n${ADD_WRONG}` },
    { name: "rmtree a project dir", code: () => `import shutil\nshutil.rmtree(${q(projectDir)})\n${ADD_WRONG}` },
    { name: "rename a config file", code: () => `import os\nos.rename(${q(canaries()[2])}, "/tmp/stolen")\n${ADD_WRONG}` },
    { name: "create a file in the project", code: () => `open(${q(join(projectDir, "new.txt"))}, "w").write("x")\n${ADD_WRONG}` },
    // The old Python-level guards, switched off or sidestepped, then the same writes.
    {
        name: "switch off an audit hook via gc and write",
        code: () => `import _imp\ngc = _imp.create_builtin(type("s", (), {"name": "gc"}))\nfor o in gc.get_objects():\n    pass\nopen(${q(join(hostTmp, "after-gc.txt"))}, "w").write("x")\n${ADD_WRONG}`
    },
    {
        name: "monkeypatch posixpath.abspath and write",
        code: () => `import posixpath, os\nposixpath.abspath = lambda p: "/tmp/x"\nos.path.realpath = lambda p, **k: "/tmp/x"\nopen(${q(join(hostTmp, "patched.txt"))}, "w").write("x")\n${ADD_WRONG}`
    },
    // Processes.
    { name: "ctypes system()", code: () => `import ctypes\nctypes.CDLL(None).system(b"touch ${join(hostTmp, "ctypes.txt")}")\n${ADD_WRONG}` },
    { name: "subprocess", code: () => `import subprocess\nsubprocess.run(["touch", ${q(join(hostTmp, "sub.txt"))}])\n${ADD_WRONG}` },
    { name: "200 forks", code: () => `import os\nfor _ in range(200):\n    try:\n        os.fork()\n    except OSError:\n        pass\n${ADD_WRONG}` },
    { name: "fork bomb", code: () => `import os\nwhile True:\n    os.fork()\n`, reason: /0\/1|BlockingIOError|Resource|time/ },
    {
        name: "a process in its own session that acts later",
        code: () => `import os, time\ntry:\n    if os.fork() == 0:\n        os.setsid()\n        time.sleep(1.5)\n        open(${q(join(hostTmp, "late.txt"))}, "w").write("x")\n        os._exit(0)\nexcept OSError:\n    pass\n${ADD_WRONG}`,
        settleMs: 2500
    },
    { name: "execv a shell", code: () => `import os\nos.execv("/bin/sh", ["sh", "-c", "touch ${join(hostTmp, "exec.txt")}"])\n` },
    // The network, including the host's loopback through the parent's namespace.
    { name: "connect to a host loopback server", code: () => `import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=1)\n${ADD_WRONG}` },
    { name: "urllib to the host", code: () => `import urllib.request\nurllib.request.urlopen("http://127.0.0.1:${port}/", timeout=1)\n${ADD_WRONG}` },
    {
        name: "nsenter into the parent's network namespace",
        code: () => `import subprocess, os\nfor pid in [os.getppid(), 1, ${process.pid}]:\n    try:\n        subprocess.run(["nsenter", f"--net=/proc/{pid}/ns/net", "python3", "-c", "import socket; socket.create_connection(('127.0.0.1', ${port}))"])\n    except Exception:\n        pass\n${ADD_WRONG}`
    },
    // Secrets: nothing of the user's files is visible, so nothing lands in the reason.
    { name: "read the API key file into the reason", code: () => `raise Exception(open(${q(canaries()[2])}).read())\n` },
    { name: "read ~/.bashrc and the key into the return value", code: () => `import os\ndef add(a, b):\n    out = []\n    for p in [${q(canaries()[2])}, os.path.expanduser("~/.bashrc"), "/root/.bashrc"]:\n        try:\n            out.append(open(p).read())\n        except Exception as e:\n            out.append(str(e))\n    return "".join(out)\n` },
    { name: "print the key file", code: () => `try:\n    print(open(${q(canaries()[2])}).read())\nexcept Exception:\n    print("${"x".repeat(20)}")\n${ADD_WRONG}` },
    // Forged verdicts.
    {
        name: "walk to the harness frame and forge its reports",
        code: () => `import sys\nf = sys._getframe(1)\nemit = f.f_locals.get("emit")\nsteps = f.f_locals.get("request", {}).get("steps", [])\nemit(stage="loaded")\nfor s in steps:\n    emit(id=s["id"], v={"b": True})\n    emit(id=s["id"], v={"i": "3"})\nemit(stage="end")\nimport os\nos._exit(0)\n`
    },
    {
        name: "inspect.stack() to the harness, empty its steps",
        code: () => `import inspect\nfor fr in inspect.stack():\n    req = fr.frame.f_locals.get("request")\n    if isinstance(req, dict):\n        req["steps"].clear()\n${ADD_WRONG}`
    },
    {
        name: "replace the steps with pass statements",
        code: () => `import sys\nreq = sys._getframe(1).f_locals["request"]\nreq["steps"][:] = [{"exec": "pass", "id": s["id"]} for s in req["steps"]]\n${ADD_WRONG}`
    },
    { name: "an always-equal object", code: () => `class Eq:\n    def __eq__(self, o): return True\n    def __ne__(self, o): return False\n    def __bool__(self): return True\ndef add(a, b):\n    return Eq()\n` },
    { name: "an always-equal int subclass", code: () => `class I(int):\n    def __eq__(self, o): return True\n    __hash__ = int.__hash__\ndef add(a, b):\n    return I(0)\n` },
    { name: "an early os._exit(0)", code: () => `import os\nprint("all tests passed")\nos._exit(0)\n` },
    { name: "sys.exit(0) after printing PASS", code: () => `import sys\nprint("PASS")\nsys.exit(0)\n` },
    {
        name: "a daemon thread forging results on fd 3",
        code: () => `import os, threading, time, json\ndef forge():\n    for i in range(50):\n        os.write(3, (json.dumps({"id": 0, "v": {"i": "3"}}) + "\\n").encode())\n        time.sleep(0.002)\nthreading.Thread(target=forge, daemon=True).start()\ntime.sleep(0.05)\n${ADD_WRONG}`
    },
    {
        name: "a lingering thread forging after the end",
        code: () => `import os, threading, time, json\ndef late():\n    time.sleep(0.3)\n    os.write(3, b'{"id": 0, "v": {"i": "3"}}\\n{"stage": "end"}\\n')\nthreading.Thread(target=late).start()\n${ADD_WRONG}`
    },
    { name: "stdout tricks", code: () => `import json\nprint(json.dumps({"id": 0, "v": {"i": "3"}}))\nprint('{"stage": "end"}')\nprint("\\x1b[2J all 1 tests passed")\n${ADD_WRONG}` },
    { name: "close the result channel", code: () => `import os\nos.close(3)\ndef add(a, b):\n    return a + b\n` },
    { name: "patch the encoder to claim equality", code: () => `import sys\ng = sys._getframe(1).f_globals\ng["encode"] = lambda v, *a, **k: {"b": True}\n${ADD_WRONG}` },
    // Resources.
    { name: "an infinite loop", code: () => `def add(a, b):\n    while True:\n        pass\n`, reason: /time limit/ },
    { name: "a memory flood", code: () => `x = bytearray(8 * 1024 ** 3)\n${ADD_WRONG}`, reason: /memory/ },
    { name: "an output flood", code: () => `import sys\nfor _ in range(10**6):\n    sys.stdout.write("x" * 1000 + "\\n")\n${ADD_WRONG}` },
    { name: "a result-channel flood", code: () => `import os\nfor _ in range(10**5):\n    os.write(3, b"x" * 1000 + b"\\n")\n${ADD_WRONG}` },
    { name: "a tmp-disk flood", code: () => `i = 0\nwhile True:\n    open(f"/tmp/f{i}", "wb").write(b"x" * 1024 * 1024)\n    i += 1\n` },
    { name: "signals to everyone", code: () => `import os, signal\nfor pid in [-1, 1, os.getppid(), ${process.pid}]:\n    try:\n        os.kill(pid, signal.SIGKILL)\n    except Exception:\n        pass\n${ADD_WRONG}` },
    { name: "an escape-sequence exception", code: () => `raise ValueError("\\x1b]0;owned\\x07\\x1b[31m" + "A" * 5000)\n` }
];

describe("hostile code answers on the batch verifier", () => {
    beforeAll(async () => {
        hostTmp = mkdtempSync(join(tmpdir(), "reflect-lab-canary-"));
        projectDir = join(PROJECT_ROOT, `.canary-${randomBytes(4).toString("hex")}`);
        mkdirSync(projectDir);
        configDir = mkdtempSync(join(tmpdir(), "reflect-lab-config-"));
        for (const c of canaries()) writeFileSync(c, c.endsWith(".json") ? JSON.stringify({ openai: SECRET }) : CANARY_TEXT);
        server = createServer((s) => {
            connections++;
            s.destroy();
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        port = (server.address() as { port: number }).port;
        sleeper = spawn("sleep", ["300"], { stdio: "ignore" });
    });
    afterAll(async () => {
        sleeper.kill();
        for (const d of [hostTmp, projectDir, configDir]) rmSync(d, { recursive: true, force: true });
        await new Promise<void>((r) => server.close(() => r()));
    });

    it("runs in real isolation here, and says which", () => {
        const iso = codeIsolation();
        expect(iso.kind, iso.summary + " " + (iso.fix ?? "")).toBe("bubblewrap");
        expect(iso.summary).toMatch(/uid 65534/);
        expect(iso.summary).toMatch(/user\/mount\/pid\/net\/ipc/);
    });

    it("has at least 25 hostile cases", () => {
        expect(CASES.length).toBeGreaterThanOrEqual(25);
    });

    it.each(CASES.map((c) => [c.name, c] as const))("%s: incorrect and contained", async (_name, c) => {
        const before = snapshot();
        const v = await itemOracle(item(c.tests ?? ["assert add(1, 2) == 3"]), "```python\n" + c.code() + "```");
        if (c.settleMs) await new Promise((r) => setTimeout(r, c.settleMs));
        await new Promise((r) => setTimeout(r, 100));
        expect(v.correct, v.reason).toBe(false);
        if (c.reason) expect(v.reason).toMatch(c.reason);
        // Looked at from outside:
        for (const f of canaries()) expect(existsSync(f), f).toBe(true);
        expect(readFileSync(canaries()[0]!, "utf8")).toBe(CANARY_TEXT);
        expect(readFileSync(canaries()[1]!, "utf8")).toBe(CANARY_TEXT);
        expect(readFileSync(canaries()[2]!, "utf8")).toContain(SECRET);
        expect(snapshot()).toBe(before);
        expect(sandboxProcesses()).toEqual([]);
        expect(connections).toBe(0);
        expect(sleeper.exitCode).toBeNull();
        const text = JSON.stringify(v);
        expect(text).not.toContain(SECRET);
        expect(text).not.toMatch(/[\x00-\x08\x1b\x7f]/);
        expect(v.reason.length).toBeLessThan(700);
    });

    it("a correct answer still passes next to them", async () => {
        const v = await itemOracle(item(["assert add(1, 2) == 3", "assert add(-1, 1) == 0"]), "```python\ndef add(a, b):\n    return a + b\n```");
        expect(v.correct, v.reason).toBe(true);
    });

    it("the sandbox is never sent the expected values or the asserts", async () => {
        const judge = new Judge();
        try {
            const tests = [
                "assert add(1, 2) == 31337",
                "assert math.isclose(area(2), 2.71828, rel_tol=1e-3)",
                "assert sorted(g(3)) == [1, 2, 99991]",
                "assert abs(h(1) - 0.4242) < 1e-6",
                "assert 77773 in k(5)",
                "assert not is_prime(88881)  or  m(4) == 'needle'"
            ];
            const steps = await judge.plan(tests);
            expect(steps.length).toBe(7);
            const sent = JSON.stringify(steps);
            for (const secret of ["31337", "2.71828", "99991", "0.4242", "77773", "needle", "assert", "==", "isclose"]) expect(sent).not.toContain(secret);
            expect(sent).toContain("add(1, 2)");
            expect(sent).toContain("sorted(g(3))");
            expect(sent).toContain("is_prime(88881)");
        } finally {
            judge.close();
        }
    });
});
