// Section "training": the paper's one-stage SFT, LoRA, 5 optimizer steps on the GPU, from the stored real
// run test/fixtures/runs/smollm2-demo, through the same launcher the lab and `reflect-lab train` use.
// 4-bit (bitsandbytes) where a 4-bit layer really runs on this GPU, else bf16 (fp32 without bf16) with a note.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportCuration } from "../../src/curate/export.js";
import { defaultOptions } from "../../src/curate/options.js";
import { PROJECT_ROOT } from "../../src/paths.js";
import { trainerPaths } from "../../src/training/command.js";
import { launchTraining } from "../../src/training/launcher.js";
import type { TrainerEvent } from "../../src/training/types.js";
import { f1, seconds, type Log } from "./section.js";

export const SMOKE_STEPS = 5;

/** What torch and bitsandbytes can do on this GPU: one JSON line from the venv's Python. */
export const PROBE_PY = `
import json
r = {}
try:
    import torch
    r.update(torch=torch.__version__, cuda=torch.version.cuda, available=torch.cuda.is_available())
    if r["available"]:
        r["device"] = torch.cuda.get_device_name(0)
        r["bf16"] = torch.cuda.is_bf16_supported()
except Exception as e:
    r.update(available=False, torch_error=f"{type(e).__name__}: {e}")
if r.get("available"):
    try:
        import bitsandbytes as bnb
        r["bnb"] = bnb.__version__
        dt = torch.bfloat16 if r["bf16"] else torch.float16
        lin = bnb.nn.Linear4bit(64, 64, compute_dtype=dt, quant_type="nf4").cuda()
        y = lin(torch.randn(2, 64, device="cuda", dtype=dt))
        torch.cuda.synchronize()
        r["bnb_ok"] = bool(torch.isfinite(y).all())
        if not r["bnb_ok"]:
            r["bnb_error"] = "a 4-bit layer returned non-finite values"
    except Exception as e:
        r["bnb_ok"] = False
        r["bnb_error"] = f"{type(e).__name__}: {e}".splitlines()[0]
print(json.dumps(r))
`;

export interface TorchProbe {
    torch?: string;
    cuda?: string | null;
    available: boolean;
    device?: string;
    bf16?: boolean;
    torch_error?: string;
    bnb?: string;
    bnb_ok?: boolean;
    bnb_error?: string;
}

/** The probe's last stdout line as JSON (libraries may print before it). */
export function parseProbe(stdout: string): TorchProbe {
    const last = stdout.trim().split("\n").pop() ?? "";
    try {
        const r = JSON.parse(last) as TorchProbe;
        if (typeof r.available !== "boolean") throw new Error("no 'available' field");
        return r;
    } catch (e) {
        throw new Error(`the torch probe printed no result (${(e as Error).message}): ${last.slice(0, 200) || "(nothing)"}`);
    }
}

function setupVenv(log: Log): void {
    const t0 = Date.now();
    // Idempotent; with nvidia-smi listing a GPU it adds requirements-cuda.txt (bitsandbytes). torch's
    // PyPI wheel for Linux x86_64 is the CUDA build, with NVIDIA's runtime wheels as its dependencies.
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "training", "setup.mjs")], { cwd: PROJECT_ROOT, stdio: ["ignore", "inherit", "inherit"] });
    if (r.error || r.status !== 0) throw new Error(`training/setup.mjs failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}); see its output above`);
    log(`training venv ready: ${seconds(t0)}`);
}

export async function trainingSmoke(log: Log): Promise<void> {
    setupVenv(log);
    const python = trainerPaths().python;
    const p = spawnSync(python, ["-c", PROBE_PY], { encoding: "utf8", timeout: 180_000 });
    if (p.error) throw new Error(`could not run ${python}: ${p.error.message}`);
    const probe = parseProbe(p.stdout);
    log(`torch ${probe.torch ?? "?"} (CUDA ${probe.cuda ?? "none"}) · GPU ${probe.available ? probe.device : "not available"} · bitsandbytes ${probe.bnb ?? "not installed"}${probe.bnb_ok ? " (4-bit layer ran on the GPU)" : ""}`);
    if (!probe.available)
        throw new Error(`torch sees no CUDA GPU${probe.torch_error ? ` (${probe.torch_error})` : ""}${probe.cuda?.startsWith("13") ? "; torch's CUDA 13 wheel needs an NVIDIA driver >= 580" : ""}`);
    const fourBit = probe.bnb_ok === true;
    // train.py's dtype without 4-bit: bf16 where the GPU has it, else fp32 (stage.py load_model).
    const precision = fourBit ? "4-bit" : probe.bf16 ? "bf16" : "fp32";
    if (!fourBit) log(`note: bitsandbytes cannot run 4-bit here (${probe.bnb_error ?? "not installed"}); training the LoRA on a ${precision} base instead`);
    await smokeRun({ fourBit, precision, device: "cuda" }, log);
}

/** Curates the stored run, trains SMOKE_STEPS steps and checks the device, the losses and the adapter. */
export async function smokeRun(o: { fourBit: boolean; precision: string; device: "cuda" | "cpu" }, log: Log): Promise<void> {
    const { fourBit } = o;
    const dir = mkdtempSync(join(tmpdir(), "rl-bench-gpu-train-"));
    try {
        const run = join(dir, "run");
        cpSync(join(PROJECT_ROOT, "test", "fixtures", "runs", "smollm2-demo"), run, { recursive: true });
        const data = join(dir, "curated");
        const summary = await exportCuration({ runs: [run], options: defaultOptions({ sets: ["dplus"], evalFraction: 0 }), out: data });
        const rows = summary.counts.dplus?.train ?? 0;
        log(`curated D+ from test/fixtures/runs/smollm2-demo: ${rows} training rows`);
        if (rows < 1) throw new Error("the stored run gave no D+ row to train on");

        const events: TrainerEvent[] = [];
        const t0 = Date.now();
        const training = launchTraining(
            { setting: "one-stage", data, out: join(dir, "train"), base: "default", hyper: { maxSteps: SMOKE_STEPS, loadIn4bit: fourBit ? "on" : "off", loggingSteps: 1, saveSteps: SMOKE_STEPS } },
            {
                onEvent: (e) => {
                    events.push(e);
                    if (e.event === "start") log(`trainer started on ${e.device} (${e.gpus} GPU${e.gpus === 1 ? "" : "s"}) · base ${e.base}`);
                    else if (e.event === "log" && e.loss !== undefined) log(`step ${e.step}/${e.total_steps} · loss ${e.loss.toFixed(4)} · ${f1(e.elapsed_s)} s${e.tokens_per_s ? ` · ${Math.round(e.tokens_per_s)} tok/s` : ""}`);
                }
            }
        );
        log(`$ ${training.command}`);
        const outcome = await training.finished;
        if (outcome.status !== "done") throw new Error(`the trainer ${outcome.status}: ${outcome.reason ?? ""}\n${outcome.lastLines.join("\n")}`);
        const start = events.find((e): e is Extract<TrainerEvent, { event: "start" }> => e.event === "start");
        if (start?.device !== o.device) throw new Error(`the trainer ran on ${start?.device ?? "an unknown device"}, not ${o.device}`);
        const steps = events.filter((e): e is Extract<TrainerEvent, { event: "log" }> => e.event === "log" && e.loss !== undefined);
        if (steps.length !== SMOKE_STEPS || steps.some((s) => !Number.isFinite(s.loss))) throw new Error(`expected ${SMOKE_STEPS} logged steps with finite losses, got ${steps.map((s) => `${s.step}:${s.loss}`).join(" ") || "none"}`);
        const adapter = outcome.result?.reflector.adapter;
        if (!adapter || !existsSync(adapter)) throw new Error("the trainer wrote no GGUF adapter");
        log(`one-stage SFT, LoRA, ${o.precision} base: ${steps.length} steps · loss ${steps[0]!.loss!.toFixed(4)} -> ${steps.at(-1)!.loss!.toFixed(4)} · trainer ${f1(outcome.elapsedS)} s (${seconds(t0)} with launch) · adapter.gguf ${Math.round(statSync(adapter).size / 1024)} KiB`);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
