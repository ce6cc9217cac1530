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

    it("takes the \\boxed{} answer of a full worked gold solution", async () => {
        // Was: only the last box ("\\frac{3}{4}"). A reference with several boxed answers keeps all of
        // them (issue: "MATH items whose reference holds several boxed answers keep all of them").
        expect(goldValue("First \\boxed{1}, then the total is $\\boxed{\\frac{3}{4}}$.")).toBe("1, \\frac{3}{4}");
        expect(goldValue("So the answer is $\\boxed{\\frac{3}{4}}$.")).toBe("\\frac{3}{4}");
        expect(goldValue("\\boxed{2} and again \\boxed{2}")).toBe("2");
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
        // The reason now also says what was extracted, by which rule, against which gold.
        expect(slow.reason).toMatch(/^read "\(x\+1\)\^\{40\}" \(final-answer line\) · gold .* · the equivalence check timed out$/);
        expect(slow.rule).toBe("final-answer line");
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

    it("rejects hedges that math-verify's set leniency would pass", async () => {
        // math-verify alone says "5 or 7" matches 7 (it parses {5, 7} and the last number 7).
        for (const answer of ["5 or 7", "7, not 5", "x = 5 or x = 7", "\\pm 7", "\\{5, 7\\}", "(5, 7)", "either 5 or 7"]) {
            const v = await verifyMath(`Final answer: ${answer}`, "7");
            expect(v.correct, `${answer}: ${v.reason}`).toBe(false);
            expect(v.rule, answer).toBe("ambiguous");
        }
        // ... but a set gold takes several values, and must get all of them.
        expect((await verifyMath("Final answer: 3 or 2", "2, 3")).correct).toBe(true);
        expect((await verifyMath("Final answer: 3", "2, 3")).correct).toBe(false);
        // Several identical values are one value.
        expect((await verifyMath("Final answer: 7, that is 7.0", "7")).correct).toBe(true);
    });

    it("has no answer when cut off before a final-answer marker", async () => {
        const v = await verifyMath("Adding up:\n42", "42", { truncated: true });
        expect(v).toMatchObject({ correct: false, extracted: null, rule: "cut off" });
        expect(v.reason).toMatch(/cut off before a final answer/);
        expect((await verifyMath("Final answer: 42", "42", { truncated: true })).correct).toBe(true);
        expect((await verifyMath("Adding up:\n42", "42")).rule).toBe("final expression");
    });

    it("says 'not readable as math' instead of printing sympy's reading of prose, and names the answer once", async () => {
        const v = await verifyMath("Final answer: the cat sat", "7");
        expect(v.reason).toBe('read "the cat sat" (final-answer line) · gold 7 · not readable as math');
        expect(v.details?.answerParsed).toBeNull();
    });

    it("keeps every boxed answer of the gold", async () => {
        expect(goldValue("so $x=\\boxed{2}$ or $x=\\boxed{3}$")).toBe("2, 3");
        expect((await verifyMath("Final answer: 2 and 3", "roots \\boxed{2} and \\boxed{3}")).correct).toBe(true);
        expect((await verifyMath("Final answer: 2", "roots \\boxed{2} and \\boxed{3}")).correct).toBe(false);
    });

    it("is reachable through verifyOracle", async () => {
        expect((await verifyOracle({ family: "math", output: "Final answer: \\frac{6}{8}", gold: "0.75" })).correct).toBe(true);
        expect((await verifyOracle({ family: "math", output: "so 42", gold: "42", truncated: true })).rule).toBe("cut off");
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
