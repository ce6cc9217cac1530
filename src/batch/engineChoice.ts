// Which engine runs a batch on this machine: `npm run bench` measures both on the same items and
// writes its pick here; `batch --engine auto` (the default) reads it. Figures differ per machine
// (cores, CPU, GPU), so a file measured elsewhere is not used.
import { cpus } from "node:os";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configDir } from "../paths.js";

/** node-llama-cpp in this process, or a managed llama-server on the same GGUF. */
export type BatchEngine = "node-llama-cpp" | "server";
export const BATCH_ENGINES: readonly BatchEngine[] = ["node-llama-cpp", "server"];

export interface MachineId {
    cpus: number;
    cpuModel: string;
    /** "cpu", or the GPU backend the bench ran on ("cuda", ...). */
    compute: string;
}

export const ENGINE_CHOICE_SCHEMA = "reflect-lab/engine-choice@1";

export interface EngineChoice {
    schema: typeof ENGINE_CHOICE_SCHEMA;
    measured_at: string;
    machine: MachineId;
    /** The GGUF the figures were measured on (file name and sha256). */
    model: { file: string; sha256: string };
    /** Generated tokens/s of a real batch run per engine and parallelism P (keys are P as strings). */
    figures: Record<BatchEngine, Record<string, number>>;
    /** The faster engine at each measured P. */
    by_parallel: Record<string, BatchEngine>;
}

export const ENGINE_CHOICE_FILE = "engine-choice.json";

export function thisMachine(compute = "cpu"): MachineId {
    const c = cpus();
    return { cpus: c.length, cpuModel: c[0]?.model.trim() ?? "unknown", compute };
}

const sameMachine = (a: MachineId, b: MachineId) => a.cpus === b.cpus && a.cpuModel === b.cpuModel && a.compute === b.compute;

/** Picks, for every measured P, the engine with more generated tokens/s (node-llama-cpp on a tie). */
export function pickByParallel(figures: EngineChoice["figures"]): Record<string, BatchEngine> {
    const out: Record<string, BatchEngine> = {};
    for (const P of Object.keys(figures["node-llama-cpp"])) {
        const local = figures["node-llama-cpp"][P]!;
        const server = figures.server[P];
        out[P] = server !== undefined && server > local ? "server" : "node-llama-cpp";
    }
    return out;
}

/**
 * A bench narrowed to some P (BENCH_P=1) adds to the choice instead of replacing it: figures of the
 * same machine and GGUF at other P are kept, the ones measured again are replaced, and the pick is
 * made again. A choice from another machine or model is dropped.
 */
export function mergeEngineChoice(prev: EngineChoice | null, next: EngineChoice): { choice: EngineChoice; kept: string[] } {
    if (!prev || !sameMachine(prev.machine, next.machine) || prev.model?.sha256 !== next.model.sha256) return { choice: next, kept: [] };
    const kept = Object.keys(prev.figures?.["node-llama-cpp"] ?? {}).filter((P) => next.figures["node-llama-cpp"][P] === undefined && prev.figures.server?.[P] !== undefined);
    const figures: EngineChoice["figures"] = { "node-llama-cpp": { ...next.figures["node-llama-cpp"] }, server: { ...next.figures.server } };
    for (const P of kept) {
        figures["node-llama-cpp"][P] = prev.figures["node-llama-cpp"][P]!;
        figures.server[P] = prev.figures.server[P]!;
    }
    const numeric = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort((a, b) => Number(a[0]) - Number(b[0])));
    const sorted = { "node-llama-cpp": numeric(figures["node-llama-cpp"]), server: numeric(figures.server) };
    return { choice: { ...next, figures: sorted, by_parallel: pickByParallel(sorted) }, kept: kept.sort((a, b) => Number(a) - Number(b)) };
}

/** Written atomically: a bench stopped half-way leaves the previous choice. */
export function writeEngineChoice(choice: EngineChoice, dir = configDir()): string {
    const file = join(dir, ENGINE_CHOICE_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(choice, null, 2) + "\n");
    renameSync(tmp, file);
    return file;
}

export function readEngineChoice(dir = configDir()): EngineChoice | null {
    const file = join(dir, ENGINE_CHOICE_FILE);
    if (!existsSync(file)) return null;
    try {
        const c = JSON.parse(readFileSync(file, "utf8")) as EngineChoice;
        return c?.schema === ENGINE_CHOICE_SCHEMA && c.by_parallel && c.machine ? c : null;
    } catch {
        return null; // a damaged file counts as no measurement; the bench rewrites it
    }
}

export interface ResolvedEngine {
    engine: BatchEngine;
    /** One line for the dashboard and the manifest: why this engine. */
    why: string;
}

/**
 * The engine for `--engine auto` at parallelism P: the bench's pick at the nearest measured P on this
 * machine and compute backend, else node-llama-cpp (nothing measured here).
 */
export function resolveEngine(requested: "auto" | BatchEngine, P: number, compute = "cpu", dir = configDir()): ResolvedEngine {
    if (requested !== "auto") return { engine: requested, why: `--engine ${requested}` };
    const choice = readEngineChoice(dir);
    if (!choice || !sameMachine(choice.machine, thisMachine(compute))) return { engine: "node-llama-cpp", why: "auto: no bench figures for this machine (npm run bench measures both engines and picks)" };
    const measured = Object.keys(choice.by_parallel).map(Number).filter(Number.isFinite);
    if (measured.length === 0) return { engine: "node-llama-cpp", why: "auto: the bench file has no figures" };
    const nearest = measured.reduce((a, b) => (Math.abs(Math.log(b / P)) < Math.abs(Math.log(a / P)) ? b : a));
    const engine = choice.by_parallel[String(nearest)]!;
    const f = choice.figures;
    const fig = (e: BatchEngine) => f[e]?.[String(nearest)]?.toFixed(1) ?? "?";
    return { engine, why: `auto: bench of ${choice.measured_at.slice(0, 10)} at P=${nearest}: node-llama-cpp ${fig("node-llama-cpp")} tok/s, server ${fig("server")} tok/s` };
}
