// Is there an NVIDIA GPU here? Asks nvidia-smi (the driver's own tool) and parses its CSV answer.
// Light on purpose: the no-GPU path must skip in well under a second, so nothing heavy is imported.
import { spawnSync } from "node:child_process";

export interface Gpu {
    index: number;
    name: string;
    driver: string;
    /** Total VRAM, MiB. */
    memoryMiB: number;
}

export type Detection = { found: true; gpus: Gpu[]; malformed: string[] } | { found: false; reason: string; malformed: string[] };

/** The query nvidia-smi is asked: one CSV line per GPU, no header, no units. */
export const NVIDIA_SMI_ARGS = ["--query-gpu=index,name,driver_version,memory.total", "--format=csv,noheader,nounits"];

/**
 * Lines of `nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader,nounits`,
 * e.g. "0, NVIDIA GeForce RTX 4090, 550.54.14, 24564". A name may itself hold commas, so the index is the
 * first field and the driver and memory the last two. Lines that do not fit are returned as malformed.
 */
export function parseNvidiaSmiCsv(text: string): { gpus: Gpu[]; malformed: string[] } {
    const gpus: Gpu[] = [];
    const malformed: string[] = [];
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (!line) continue;
        const f = line.split(",").map((s) => s.trim());
        const index = Number(f[0]);
        const memoryMiB = Number(f.at(-1));
        const driver = f.at(-2) ?? "";
        const name = f.slice(1, -2).join(", ");
        if (f.length < 4 || !/^\d+$/.test(f[0]!) || !/^\d+(\.\d+)?$/.test(f.at(-1)!) || !/^\d+(\.\d+)+$/.test(driver) || !name) {
            malformed.push(line);
            continue;
        }
        gpus.push({ index, name, driver, memoryMiB });
    }
    return { gpus, malformed };
}

/** The driver's major version ("550.54.14" -> 550), or null. */
export const driverMajor = (driver: string): number | null => (/^\d+/.test(driver) ? Number(driver.match(/^\d+/)![0]) : null);

/** Runs nvidia-smi (BENCH_GPU_NVIDIA_SMI names another one, for tests; else the one on PATH). */
export function detectGpus(env: NodeJS.ProcessEnv = process.env): Detection {
    const cmd = env.BENCH_GPU_NVIDIA_SMI || "nvidia-smi";
    const r = spawnSync(cmd, NVIDIA_SMI_ARGS, { encoding: "utf8", timeout: 15_000, env });
    if (r.error) {
        const code = (r.error as NodeJS.ErrnoException).code;
        return { found: false, reason: code === "ENOENT" ? `${cmd} not found${cmd.includes("/") ? "" : " on PATH"}` : `${cmd} could not run: ${r.error.message}`, malformed: [] };
    }
    if (r.status !== 0) {
        const why = (r.stdout + r.stderr).trim().split("\n")[0] || `exit ${r.status ?? r.signal}`;
        return { found: false, reason: `${cmd} failed: ${why}`, malformed: [] };
    }
    const { gpus, malformed } = parseNvidiaSmiCsv(r.stdout);
    if (gpus.length === 0) return { found: false, reason: `${cmd} ran but listed no GPU${malformed.length ? ` (unreadable: ${malformed[0]})` : ""}`, malformed };
    return { found: true, gpus, malformed };
}
