import { createRequire } from "node:module";
import type { Backend } from "./backend/types.js";
import { LlamaHost } from "./backend/llama.js";
import { ReflectionLoop, type OracleFn } from "./engine/loop.js";
import type { EngineEvent, LoopConfig } from "./engine/types.js";
import { PROMPTS_DIR, SESSIONS_DIR } from "./paths.js";
import { loadInstructionPool, type InstructionPool } from "./prompts/pool.js";
import { loadTurnTemplates, type TurnTemplates } from "./prompts/templates.js";
import { SessionRecorder, newSessionId } from "./session/recorder.js";
import { loopConfigFrom, type Settings } from "./settings.js";
import type { TaskItem } from "./tasks/types.js";
import { verifyOracle } from "./verify/oracle.js";

/** Everything one lab session needs, shared by the TUI and the headless commands. */
export interface Lab {
    backend: Backend;
    templates: TurnTemplates;
    pool: InstructionPool;
    settings: Settings;
    recorder: SessionRecorder;
    oracle: OracleFn;
    /** How many loops were started: feeds round-robin / random instruction selection. */
    started: number;
}

export const itemOracle: OracleFn = (item: TaskItem, output: string) =>
    verifyOracle({ family: item.family, output, gold: item.answer, answers: item.answers, choices: item.choices, answerIndex: item.answer_index, tests: item.tests, testSetup: item.test_setup });

export function versions(): Record<string, string> {
    const require = createRequire(import.meta.url);
    const v = (name: string) => {
        try {
            return (require(`${name}/package.json`) as { version: string }).version;
        } catch {
            return "?";
        }
    };
    const own = (require("../package.json") as { version: string }).version;
    return { "reflect-lab": own, "node-llama-cpp": v("node-llama-cpp"), node: process.version };
}

export interface OpenLabOptions {
    settings: Settings;
    kind: "lab" | "ask";
    /** Defaults to the local node-llama-cpp backend built from the settings. */
    backend?: Backend;
    sessionsDir?: string;
    promptsDir?: string;
    onProgress?: (msg: string) => void;
}

export async function openLab(opts: OpenLabOptions): Promise<Lab> {
    const promptsDir = opts.promptsDir ?? PROMPTS_DIR;
    // Load the prompts first: a broken template should fail before a model is loaded.
    const templates = loadTurnTemplates(promptsDir);
    const pool = loadInstructionPool(promptsDir);
    const s = opts.settings;
    const backend =
        opts.backend ??
        (
            await LlamaHost.load({
                model: s.model,
                gpu: s.gpu,
                gpuLayers: s.gpuLayers,
                vramCapMiB: s.vramCapMiB,
                contextSize: s.contextSize,
                threads: s.threads ?? undefined,
                onProgress: opts.onProgress
            })
        ).single();
    const info = backend.info;
    const recorder = new SessionRecorder(opts.sessionsDir ?? SESSIONS_DIR, {
        schema: "reflect-lab/session@1",
        id: newSessionId(opts.kind),
        kind: opts.kind,
        created_at: new Date().toISOString(),
        model: { file: info.modelFile, path: info.modelPath, sha256: info.modelSha256, adapters: info.adapters },
        backend: { kind: info.kind, compute: info.compute, gpuLayers: info.gpuLayers, totalLayers: info.totalLayers, contextSize: info.contextSize, threads: info.threads },
        settings: { ...s },
        versions: versions()
    });
    return { backend, templates, pool, settings: s, recorder, oracle: itemOracle, started: 0 };
}

/** Starts a loop for one item; its events go to the recorder first, then to `onEvent`. */
export function startLoop(lab: Lab, item: TaskItem, onEvent?: (e: EngineEvent) => void, config?: LoopConfig): ReflectionLoop {
    lab.recorder.beginItem(item.id);
    return new ReflectionLoop(item, config ?? loopConfigFrom(lab.settings), {
        backend: lab.backend,
        templates: lab.templates,
        pool: lab.pool,
        oracle: lab.oracle,
        runId: lab.recorder.manifest.id,
        selectionIndex: lab.started++,
        onEvent: (e) => {
            lab.recorder.onEvent(e);
            onEvent?.(e);
        }
    });
}

export async function closeLab(lab: Lab): Promise<void> {
    lab.recorder.close();
    await lab.backend.dispose();
}
