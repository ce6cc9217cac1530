// training/defaults.json is the one place the trainer defaults live: the lab (src/training/defaults.ts)
// and train.py (reflect_train/defaults.py) must read the same values from it.
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../src/paths.js";
import { defaultHyper, readTrainingDefaults, TRAINING_DEFAULTS, TRAINING_DEFAULTS_FILE, TRAINING_SETTINGS } from "../src/training/defaults.js";

const root = mkdtempSync(join(tmpdir(), "rl-train-defaults-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TRAINING = join(PROJECT_ROOT, "training");
const VENV_PYTHON = join(TRAINING, ".venv", "bin", "python");
const raw = JSON.parse(readFileSync(join(TRAINING, "defaults.json"), "utf8"));

/** What train.py resolves with no hyperparameter flag, per setting and --full (argparse only: no torch). */
function pythonDefaults(python: string): Record<string, Record<string, unknown>> {
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(TRAINING)})
import train
out = {}
for s in ${JSON.stringify(TRAINING_SETTINGS)}:
    for full in (False, True):
        a = train.parse(["--setting", s, "--data", "d", "--out", "o"] + (["--full"] if full else []))
        out[s + (" full" if full else "")] = {k: getattr(a, k) for k in ("epochs", "lr", "batch_size", "grad_accum", "lora_r", "lora_alpha", "lora_dropout", "beta", "max_length", "seed", "logging_steps", "eval_steps", "save_steps", "load_in_4bit")}
print(json.dumps(out))
`;
    return JSON.parse(execFileSync(python, ["-c", script], { encoding: "utf8", timeout: 60_000 }));
}

describe("training defaults", () => {
    it("come from training/defaults.json in the lab", () => {
        expect(TRAINING_DEFAULTS_FILE).toBe(join(TRAINING, "defaults.json"));
        expect(TRAINING_DEFAULTS).toEqual(raw);
        expect(TRAINING_SETTINGS).toHaveLength(4);
        for (const s of TRAINING_SETTINGS) {
            const h = defaultHyper(s);
            const dpo = s.startsWith("dpo");
            expect(h).toMatchObject({ epochs: dpo ? raw.epochs.dpo : raw.epochs.sft, lr: dpo ? raw.lr.dpo : raw.lr.lora, batchSize: raw.batchSize, loraR: raw.loraR, beta: raw.beta, maxLength: raw.maxLength, seed: raw.seed });
            expect(h.gradAccum).toBe(Math.max(1, Math.round(raw.effectiveBatch[s] / raw.batchSize)));
        }
        expect(defaultHyper("two-stage", { full: true })).toMatchObject({ lr: raw.lr.full, loadIn4bit: raw.loadIn4bit.full });
        // A changed file changes the lab's defaults: nothing else holds a copy.
        const d = { ...raw, lr: { ...raw.lr, lora: 0.5 }, effectiveBatch: { ...raw.effectiveBatch, "one-stage": 40 } };
        expect(defaultHyper("one-stage", {}, d)).toMatchObject({ lr: 0.5, gradAccum: 10 });
    });

    it("refuses a missing or malformed file, naming it and the field", () => {
        expect(() => readTrainingDefaults(join(root, "none.json"))).toThrow(/cannot read the training defaults .*none\.json: ENOENT.*git checkout -- training\/defaults\.json/);
        const bad = join(root, "bad.json");
        writeFileSync(bad, "{ not json");
        expect(() => readTrainingDefaults(bad)).toThrow(/cannot read the training defaults .*bad\.json: .*JSON/);
        writeFileSync(bad, JSON.stringify({ ...raw, lr: { ...raw.lr, dpo: "5e-7" } }));
        expect(() => readTrainingDefaults(bad)).toThrow(/"lr\.dpo" must be a number, not "5e-7"/);
        const { effectiveBatch: _e, ...noBatch } = raw;
        writeFileSync(bad, JSON.stringify(noBatch));
        expect(() => readTrainingDefaults(bad)).toThrow(/"effectiveBatch\.one-stage" must be a number, not missing/);
        writeFileSync(bad, JSON.stringify({ ...raw, loadIn4bit: { lora: "maybe", full: "off" } }));
        expect(() => readTrainingDefaults(bad)).toThrow(/"loadIn4bit\.lora" must be one of auto, on, off/);
    });

    it("are what train.py uses when run by hand", () => {
        // The training environment is made by `npm run setup:training`; argparse needs only the standard library.
        const python = existsSync(VENV_PYTHON) ? VENV_PYTHON : "python3";
        const py = pythonDefaults(python);
        expect(Object.keys(py)).toHaveLength(2 * TRAINING_SETTINGS.length);
        for (const s of TRAINING_SETTINGS)
            for (const full of [false, true]) {
                const h = defaultHyper(s, { full });
                expect(py[s + (full ? " full" : "")], `${s}${full ? " --full" : ""}`).toEqual({
                    epochs: h.epochs, lr: h.lr, batch_size: h.batchSize, grad_accum: h.gradAccum, lora_r: h.loraR, lora_alpha: h.loraAlpha, lora_dropout: h.loraDropout,
                    beta: h.beta, max_length: h.maxLength, seed: h.seed, logging_steps: h.loggingSteps, eval_steps: h.evalSteps, save_steps: h.saveSteps,
                    // train.py has no 4-bit default of its own under --full: the lab leaves the flag out there (command.ts).
                    load_in_4bit: raw.loadIn4bit.lora
                });
            }
    });

    it("leave train.py no literal of its own", () => {
        const train = readFileSync(join(TRAINING, "train.py"), "utf8");
        const parse = train.slice(train.indexOf("def parse("), train.indexOf("def main("));
        // Only flags that are not hyperparameters keep a literal default.
        const literal = [...parse.matchAll(/add_argument\("(--[a-z0-9-]+)"[^\n]*default=(-?[0-9][0-9.e-]*|"[^"]*")/g)].map((m) => m[1]);
        expect(literal).toEqual(["--max-steps"]);
        expect(readFileSync(join(TRAINING, "reflect_train", "defaults.py"), "utf8")).toContain('"defaults.json"');
    });
});
