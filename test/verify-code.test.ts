import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { verifyCode } from "../src/verify/code.js";
import { verifyOracle } from "../src/verify/oracle.js";
import { requireCodeSandbox } from "../src/verify/codeGate.js";
import { allowUnsafeCodeExec, codeIsolation, resetIsolation } from "../src/verify/isolation.js";

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

    it("honours the setup code", async () => {
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

describe("verifyCode: MBPP's order and Python's own semantics, judged outside the sandbox", () => {
    const check = (code: string, tests: string[], setup: string | null = null) => verifyCode(code, tests, setup);

    it("runs test_setup_code after the answer (answer, setup, tests), as MBPP's harness does", async () => {
        // Like mbpp-367: the setup builds the trees the tests use; an answer that builds its own
        // example tree at module level must not replace them.
        const setup = "class Node:\n    def __init__(self, d):\n        self.d = d\n        self.left = None\n        self.right = None\nroot = Node(1)\nroot.left = Node(2)\nroot.left.left = Node(3)\n";
        const code = "class Node:\n    def __init__(self, d):\n        self.d, self.left, self.right = d, None, None\ndef height(n):\n    return 0 if n is None else 1 + max(height(n.left), height(n.right))\ndef balanced(n):\n    return n is None or (abs(height(n.left) - height(n.right)) <= 1 and balanced(n.left) and balanced(n.right))\nroot = Node(7)\n";
        const v = await check(code, ["assert balanced(root) == False", "assert height(root) == 3"], setup);
        expect(v.correct, v.reason).toBe(true);
    });

    it("compares with Python's semantics: containers, numbers, None, truthiness", async () => {
        const code = [
            "import collections",
            "def pair(): return collections.namedtuple('P', 'a b')(1, 2)",
            "def counts(s): return collections.Counter(s)",
            "def gen(n): return (i * i for i in range(n))",
            "def lst(): return [1, 2]",
            "def big(): return 3 ** 5000",
            "def nothing(): return None",
            "def half(): return 0.1 + 0.2",
            "def empty(): return []",
            "def uniq(xs): return set(xs)"
        ].join("\n");
        const pass = [
            "assert pair() == (1, 2)",
            "assert counts('aab') == {'a': 2, 'b': 1}",
            "assert list(gen(3)) == [0, 1, 4]",
            "assert sorted(gen(3), reverse=True) == [4, 1, 0]",
            "assert big() == 3 ** 5000",
            "assert nothing() is None",
            "assert math.isclose(half(), 0.3)",
            "assert not empty()",
            "assert uniq([3, 1, 3]) == {1, 3}",
            "x = lst()\nassert x[0] == 1 and len(x) == 2",
            "assert 2 in lst()"
        ];
        const v = await check(code, pass);
        expect(v.correct, v.reason).toBe(true);
        expect(v.details).toEqual({ passed: pass.length, total: pass.length });
        for (const wrong of ["assert lst() == (1, 2)", "assert half() == 0.3", "assert gen(2) == [0, 1]", "assert nothing()", "assert uniq([1]) == [1]"]) {
            const w = await check(code, [wrong]);
            expect(w.correct, wrong).toBe(false);
            expect(w.details?.failing).toBe(wrong);
        }
    });

    it("says what the answer returned when an assert fails", async () => {
        const v = await check("def add(a, b):\n    return a - b\n", ["assert add(1, 2) == 3"]);
        expect(v.correct).toBe(false);
        expect(v.reason).toContain("assert add(1, 2) == 3");
        expect(v.reason).toContain("got -1");
    });

    it("refuses tests it cannot judge outside the sandbox, naming the test", async () => {
        const v = await check("def f(x):\n    return x\n", ["assert f(1) == 1", "for i in range(3):\n    assert f(i) == i"]);
        expect(v.correct).toBe(false);
        expect(v.reason).toMatch(/cannot check the task's tests: test 2 has an assert inside a block/);
    });
});

describe("code sandbox: refusal and the explicit unsafe mode", () => {
    const saved = process.env.REFLECT_LAB_BWRAP;
    afterAll(() => {
        if (saved === undefined) delete process.env.REFLECT_LAB_BWRAP;
        else process.env.REFLECT_LAB_BWRAP = saved;
        allowUnsafeCodeExec(false);
        resetIsolation();
    });

    it("without bubblewrap, code is not run and the reason names the fix; --unsafe-code-exec runs it, labelled", async () => {
        process.env.REFLECT_LAB_BWRAP = "/nonexistent/bwrap";
        resetIsolation();
        const iso = codeIsolation();
        expect(iso.kind).toBe("none");
        expect(iso.fix).toMatch(/apt-get install bubblewrap/);
        const v = await verifyCode(ADD, ["assert add(1, 2) == 3"], null);
        expect(v.correct).toBe(false);
        expect(v.reason).toMatch(/not run: no code sandbox: bubblewrap \(bwrap\) is not installed/);
        expect(() => requireCodeSandbox(["mc", "code"], false)).toThrow(/refusing to run code answers.*apt-get install bubblewrap/);
        expect(requireCodeSandbox(["mc", "math"], false)).toBeNull();
        expect(requireCodeSandbox(["code"], true)).toMatch(/^UNSAFE/);
        const u = await verifyCode(ADD, ["assert add(1, 2) == 3"], null);
        expect(u.correct, u.reason).toBe(true);
        expect(u.details?.isolation).toBe("unsafe");
    });
});
