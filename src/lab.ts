import { createRequire } from "node:module";
import type { Backend } from "./backend/types.js";
import { LlamaHost } from "./backend/llama.js";
import { OpenAIHost, endpointOf } from "./backend/openai.js";
import { EndpointStore } from "./endpoints/store.js";
import { resolveEndpoint } from "./endpoints/resolve.js";
import { loadTeacherTemplates, type TeacherTemplates } from "./teacher/templates.js";
import type { BackoffEvent } from "./endpoints/types.js";
import { ReflectionLoop, type OracleFn } from "./engine/loop.js";
import type { EngineEvent, LoopConfig } from "./engine/types.js";
import { PROMPTS_DIR, SESSIONS_DIR } from "./paths.js";
import { loadInstructionPool, type InstructionPool } from "./prompts/pool.js";
import { loadTurnTemplates, type TurnTemplates } from "./prompts/templates.js";
import { SESSION_SCHEMA, SessionRecorder, newSessionId } from "./session/recorder.js";
import { loopConfigFrom, type Settings } from "./settings.js";
import type { TaskItem } from "./tasks/types.js";
import { verifyOracle } from "./verify/oracle.js";
import type { OutputMeta } from "./verify/types.js";

/** Everything one lab session needs, shared by the TUI and the headless commands. */
export interface Lab {
    backend: Backend;
    /** Reflects and corrects when an endpoint holds the reflector role; absent = the generator does. */
    reflector?: Backend;
    /** Judges answers in the `teacher` verifier mode: the endpoint given, else the stored verifier (or teacher) role. */
    teacher?: Backend;
    teacherTemplates: TeacherTemplates;
    templates: TurnTemplates;
    pool: InstructionPool;
    settings: Settings;
    recorder: SessionRecorder;
    oracle: OracleFn;
    /** How many loops were started: feeds round-robin / random instruction selection. */
    started: number;
}

export const itemOracle: OracleFn = (item: TaskItem, output: string, meta?: OutputMeta) =>
    verifyOracle({ family: item.family, output, gold: item.answer, answers: item.answers, choices: item.choices, answerIndex: item.answer_index, tests: item.tests, testSetup: item.test_setup, truncated: meta?.truncated });

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
    kind: "lab" | "ask" | "teach";
    /** Defaults to the generator endpoint (see `endpoint`), else the local node-llama-cpp backend built from the settings. */
    backend?: Backend;
    /** The generator's endpoint by name; undefined = the stored generator role (if any); null = the local model. */
    endpoint?: string | null;
    /** Where endpoints and keys are read (tests); default the user's config dir. */
    endpointStore?: EndpointStore;
    /** The reflector's endpoint by name; undefined = the stored reflector role (read only when `backend` is not given); null = the generator. */
    reflectorEndpoint?: string | null;
    /** The teacher verifier's endpoint by name; undefined = the stored verifier role, else the teacher role; null = none. */
    teacherEndpoint?: string | null;
    /** Remote retries, for a status line. */
    onBackoff?: (ev: BackoffEvent) => void;
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
    // Names are resolved before anything loads: a missing endpoint fails fast.
    const reflectorName = opts.reflectorEndpoint !== undefined ? opts.reflectorEndpoint : opts.backend ? null : ((opts.endpointStore ?? new EndpointStore()).roles().reflector ?? null);
    const reflectorEndpoint = reflectorName ? resolveEndpoint(reflectorName, opts.endpointStore) : null;
    const teacherTemplates = loadTeacherTemplates(promptsDir);
    const roles = opts.teacherEndpoint === undefined ? (opts.endpointStore ?? new EndpointStore()).roles() : {};
    const teacherName = opts.teacherEndpoint !== undefined ? opts.teacherEndpoint : (roles.verifier ?? roles.teacher ?? null);
    const teacherEndpoint = teacherName ? resolveEndpoint(teacherName, opts.endpointStore) : null;
    const backend = opts.backend ?? (await openGenerator(s, opts));
    const reflector = reflectorEndpoint ? (await OpenAIHost.open(reflectorEndpoint.endpoint, reflectorEndpoint.apiKey, { slots: 1, onBackoff: opts.onBackoff })).single() : undefined;
    // Opening a remote host sends nothing: the teacher is ready for when the verifier is switched to it.
    const teacher = teacherEndpoint ? (await OpenAIHost.open(teacherEndpoint.endpoint, teacherEndpoint.apiKey, { slots: 1, onBackoff: opts.onBackoff })).single() : undefined;
    if (reflectorEndpoint) opts.onProgress?.(`reflector: endpoint ${reflectorEndpoint.endpoint.name} (${reflectorEndpoint.endpoint.model} at ${reflectorEndpoint.endpoint.baseURL})`);
    const info = backend.info;
    const recorder = new SessionRecorder(opts.sessionsDir ?? SESSIONS_DIR, {
        schema: SESSION_SCHEMA,
        id: newSessionId(opts.kind),
        kind: opts.kind,
        created_at: new Date().toISOString(),
        model: { file: info.modelFile, path: info.modelPath, sha256: info.modelSha256, adapters: info.adapters },
        backend: {
            kind: info.kind,
            compute: info.compute,
            gpuLayers: info.gpuLayers,
            totalLayers: info.totalLayers,
            contextSize: info.contextSize,
            threads: info.threads,
            // Which server and model (never the key), when the generator is remote.
            ...(endpointOf(backend) ? { endpoint: endpointOf(backend) } : {}),
            ...(reflector ? { reflector: endpointOf(reflector) } : {}),
            ...(teacher ? { teacher: endpointOf(teacher) } : {})
        },
        settings: { ...s },
        versions: versions()
    });
    return { backend, ...(reflector ? { reflector } : {}), ...(teacher ? { teacher } : {}), teacherTemplates, templates, pool, settings: s, recorder, oracle: itemOracle, started: 0 };
}

/**
 * The lab's generator: the named endpoint, or with none named the endpoint holding the stored
 * generator role, else the local model from the settings.
 */
export async function openGenerator(s: Settings, opts: Pick<OpenLabOptions, "endpoint" | "endpointStore" | "onBackoff" | "onProgress"> = {}): Promise<Backend> {
    const name = opts.endpoint === undefined ? (opts.endpointStore ?? new EndpointStore()).roles().generator : opts.endpoint;
    if (name) {
        const { endpoint, apiKey } = resolveEndpoint(name, opts.endpointStore);
        opts.onProgress?.(`generator: endpoint ${endpoint.name} (${endpoint.model} at ${endpoint.baseURL})`);
        return (await OpenAIHost.open(endpoint, apiKey, { slots: 1, onBackoff: opts.onBackoff })).single();
    }
    return (
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
}

/** Starts a loop for one item; its events go to the recorder first, then to `onEvent`. */
export function startLoop(lab: Lab, item: TaskItem, onEvent?: (e: EngineEvent) => void, config?: LoopConfig): ReflectionLoop {
    lab.recorder.beginItem(item.id);
    return new ReflectionLoop(item, config ?? loopConfigFrom(lab.settings), {
        backend: lab.backend,
        roles: lab.reflector ? { reflect: lab.reflector, correct: lab.reflector } : undefined,
        teacher: lab.teacher,
        teacherTemplates: lab.teacherTemplates,
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
    await lab.reflector?.dispose();
    await lab.teacher?.dispose();
    await lab.backend.dispose();
}
