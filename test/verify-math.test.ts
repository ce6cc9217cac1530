import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeMathWorker, goldValue, verifyMath } from "../src/verify/math.js";
import { verifyOracle } from "../src/verify/oracle.js";

afterAll(() => closeMathWorker());

// [model answer (after "Final answer: "), gold, equivalent?]
const CASES: [string, string, boolean][] = [
    ["\\frac{1}{2}", "0.5", true],
    ["0.5", "\\frac{1}{2}", true],
    ["1/2", "\\frac{1}{2}", true],
    ["\\dfrac12", "1/2", true],
    ["2/4", "1/2", true],
    ["$\\frac{2}{4}$", "0.5", true],
    ["(1,2)", "(1,2)", true],
    ["(1, 2)", "(1,2)", true],
    ["[0,1)", "[0,1)", true],
    ["2\\sqrt2", "\\sqrt8", true],
    ["\\sqrt{8}", "2\\sqrt{2}", true],
    ["\\frac{1}{\\sqrt2}", "\\frac{\\sqrt{2}}{2}", true],
    ["30^\\circ", "30", true],
    ["30", "30^\\circ", true],
    ["5 cm", "5", true],
    ["5\\text{ dollars}", "5", true],
    ["12 \\text{ apples}", "12", true],
    ["50\\%", "0.5", true],
    ["50%", "50", true],
    ["\\boxed{3}", "3", true],
    ["-2", "-2", true],
    ["-\\frac{3}{4}", "-0.75", true],
    ["1.5e3", "1500", true],
    ["1.5 \\times 10^3", "1500", true],
    ["1e-3", "0.001", true],
    ["\\{1,2\\}", "\\{2,1\\}", true],
    ["x = 3", "3", true],
    ["3", "x=3", true],
    ["10.0", "10", true],
    ["1,000", "1000", true],
    ["\\$5", "5", true],
    ["(x+1)^2", "x^2+2x+1", true],
    ["3i+2", "2+3i", true],
    ["\\infty", "\\infty", true],
    ["\\pi/2", "\\frac{\\pi}{2}", true],
    // must be rejected
    ["1/3", "1/2", false],
    ["(2,1)", "(1,2)", false],
    ["[0,1]", "[0,1)", false],
    ["(0,1)", "[0,1)", false],
    ["2", "-2", false],
    ["\\sqrt{3}", "\\sqrt{2}", false],
    ["3.14", "\\pi", false],
    ["31", "30^\\circ", false],
    ["\\{1,3\\}", "\\{1,2\\}", false],
    ["x = 4", "3", false],
    ["1.5e4", "1500", false],
    ["5", "4", false],
    ["0.33", "\\frac{1}{3}", false],
    ["(x-1)^2", "x^2+2x+1", false]
];

describe("verifyMath", () => {
    it.each(CASES)("%j vs gold %j -> %s", async (answer, gold, equivalent) => {
        const v = await verifyMath(`Some working.\nFinal answer: ${answer}`, gold);
        expect(v.correct, v.reason).toBe(equivalent);
        expect(v.extracted).not.toBeNull();
    });

    it("takes the last \\boxed{} of a full worked gold solution", async () => {
        expect(goldValue("First \\boxed{1}, then the total is $\\boxed{\\frac{3}{4}}$.")).toBe("\\frac{3}{4}");
        expect((await verifyMath("Final answer: 0.75", "So the answer is $\\boxed{\\frac{3}{4}}$.")).correct).toBe(true);
    });

    it("reads a \\boxed answer without a marker, and reports a missing answer", async () => {
        expect((await verifyMath("so we get \\boxed{42}", "42")).correct).toBe(true);
        const none = await verifyMath("", "42");
        expect(none.correct).toBe(false);
        expect(none.extracted).toBeNull();
    });

    it("handles concurrent requests on the shared worker", async () => {
        const results = await Promise.all(["1", "2", "3", "4", "5"].map((n) => verifyMath(`Final answer: ${n}`, "3")));
        expect(results.map((r) => r.correct)).toEqual([false, false, true, false, false]);
    });

    it("reports a timeout, then restarts the worker for the next request", async () => {
        const slow = await verifyMath("Final answer: (x+1)^{40}", "\\sum_{k=0}^{40} \\binom{40}{k} x^k", { timeoutMs: 1 });
        expect(slow.correct).toBe(false);
        expect(slow.reason).toBe("timed out");
        expect((await verifyMath("Final answer: 1/2", "0.5")).correct).toBe(true);
    });

    it("restarts after closeMathWorker", async () => {
        closeMathWorker();
        expect((await verifyMath("Final answer: 2/4", "1/2")).correct).toBe(true);
    });

    it("resolves requests pending when the worker is closed", async () => {
        closeMathWorker();
        const t0 = Date.now();
        const pending = [verifyMath("Final answer: 1", "1"), verifyMath("Final answer: 2", "2")];
        closeMathWorker(); // during the worker's start-up
        const results = await Promise.all(pending);
        expect(Date.now() - t0).toBeLessThan(3000);
        for (const r of results) {
            expect(r.correct).toBe(false);
            expect(r.reason).toMatch(/closed/);
        }
        expect((await verifyMath("Final answer: 3", "3")).correct).toBe(true);
    });

    it("is reachable through verifyOracle", async () => {
        expect((await verifyOracle({ family: "math", output: "Final answer: \\frac{6}{8}", gold: "0.75" })).correct).toBe(true);
    });

    it("does not keep the Node process alive when idle", () => {
        const dir = mkdtempSync(join(tmpdir(), "reflect-lab-math-"));
        try {
            const script = join(dir, "run.mts");
            const mod = resolve("src/verify/math.ts");
            writeFileSync(script, `import { verifyMath } from ${JSON.stringify(mod)};\nconst v = await verifyMath("Final answer: 1/2", "0.5");\nconsole.log(JSON.stringify(v.correct));\n`);
            const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 60_000, cwd: resolve(".") });
            expect(r.signal, r.stderr).toBeNull(); // killed by the timeout would mean it hung
            expect(r.stdout.trim()).toBe("true");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
