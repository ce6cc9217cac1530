import { closeSync } from "node:fs";
import { openRegularFileSync } from "../inputFile.js";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { modelSha256 } from "../backend/modelFile.js";
import type { EndpointRef } from "../endpoints/types.js";
import type { TrainingResult } from "../training/types.js";
import type { ReflectorSpec, RoleModelSpec } from "./types.js";

export type ReflectorRole = "reflect" | "correct";

/** One model file a trained reflector loads, and the roles it plays (one adapter may serve both). */
export interface RoleModel {
    /** Identity of the host to load: the same file for both roles shares one host. */
    key: string;
    kind: "adapter" | "model";
    path: string;
    roles: ReflectorRole[];
}

/** What the manifest keeps of a trained reflector: every file it used with its sha256, checked on resume. */
export interface ReflectorManifest {
    source?: string;
    files: { kind: "adapter" | "model"; roles: ReflectorRole[]; path: string; file: string; sha256: string }[];
}

const ROLES: ReflectorRole[] = ["reflect", "correct"];

/** The trained reflector of a finished training run folder (its result.json, see src/training/types.ts). */
export function reflectorFromTraining(dir: string): ReflectorSpec {
    const folder = resolve(dir);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`training run folder not found: ${folder}`);
    const file = join(folder, "result.json");
    if (!existsSync(file)) throw new Error(`${folder} has no result.json: the training run has not finished (or this is not a training run folder)`);
    let r: TrainingResult;
    try {
        r = JSON.parse(readFileSync(file, "utf8")) as TrainingResult;
    } catch (e) {
        throw new Error(`cannot read ${file}: ${(e as Error).message}`);
    }
    // Paths in result.json may be relative to the training run folder.
    const role = (x: RoleModelSpec | undefined, name: string): RoleModelSpec => {
        if (!x || (!x.adapter && !x.model)) throw new Error(`${file} names no ${name} adapter or model`);
        const abs = (p: string) => (isAbsolute(p) ? p : join(folder, p));
        return x.adapter ? { adapter: abs(x.adapter) } : { model: abs(x.model!) };
    };
    const spec: ReflectorSpec = { source: folder, reflect: role(r.reflector, "reflector"), correct: role(r.corrector, "corrector") };
    if (r.base?.sha256) spec.base = { file: r.base.file, sha256: r.base.sha256 };
    return spec;
}

/** `--reflector-adapter` [`--corrector-adapter`]: the corrector defaults to the reflector's adapter. */
export function reflectorFromAdapters(reflectAdapter: string, correctAdapter?: string): ReflectorSpec {
    return { reflect: { adapter: resolve(reflectAdapter) }, correct: { adapter: resolve(correctAdapter ?? reflectAdapter) } };
}

/** `--reflector-model`: another local GGUF reflects and corrects over the generator's turn 1 (paper Tab. 5, cross-model reflectors). */
export function reflectorFromModel(path: string): ReflectorSpec {
    return { crossModel: true, reflect: { model: resolve(path) }, correct: { model: resolve(path) } };
}

/** `--reflector-endpoint`: an OpenAI-compatible endpoint reflects and corrects; turn 1 stays with the run's generator. */
export function reflectorFromEndpoint(ref: EndpointRef): ReflectorSpec {
    return { reflect: { endpoint: { ...ref } }, correct: { endpoint: { ...ref } } };
}

/** One endpoint a spec uses, and the roles it plays (one endpoint may serve both). */
export interface RoleEndpoint {
    endpoint: EndpointRef;
    roles: ReflectorRole[];
}

/** The distinct endpoints of a spec (roles with a file or the base model have none). */
export function roleEndpoints(spec: ReflectorSpec): RoleEndpoint[] {
    const out: RoleEndpoint[] = [];
    for (const role of ROLES) {
        const ep = spec[role].endpoint;
        if (!ep) continue;
        const seen = out.find((x) => x.endpoint.name === ep.name);
        if (seen && (seen.endpoint.baseURL !== ep.baseURL || seen.endpoint.model !== ep.model)) throw new Error(`the endpoint ${ep.name} is named with two different URLs or models`);
        if (seen) seen.roles.push(role);
        else out.push({ endpoint: ep, roles: [role] });
    }
    return out;
}

/** The distinct model files of a spec (roles left to the base model or to an endpoint have none), checked to exist. */
export function roleModels(spec: ReflectorSpec): RoleModel[] {
    const out: RoleModel[] = [];
    for (const role of ROLES) {
        const r = spec[role];
        if ([r.adapter, r.model, r.endpoint].filter(Boolean).length > 1) throw new Error(`the ${role} role names more than one of an adapter, a model and an endpoint; give one`);
        const kind = r.adapter ? "adapter" : r.model ? "model" : null;
        if (!kind) continue;
        const path = resolve((r.adapter ?? r.model)!);
        if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`the trained ${role === "reflect" ? "reflector" : "corrector"}'s ${kind} is missing: ${path}`);
        const key = `${kind}:${path}`;
        const seen = out.find((m) => m.key === key);
        if (seen) seen.roles.push(role);
        else out.push({ key, kind, path, roles: [role] });
    }
    return out;
}

/** sha256 of a file, read fresh. */
function fileSha256(path: string): Promise<string> {
    return new Promise((res, rej) => {
        const h = createHash("sha256");
        createReadStream(path).on("data", (d) => h.update(d)).on("end", () => res(h.digest("hex"))).on("error", rej);
    });
}

/**
 * The manifest's record of a spec. Adapters (tens of MB) are hashed fresh every time; whole GGUFs
 * (GBs) go through modelSha256's cache, as the base model does.
 */
export async function hashReflector(spec: ReflectorSpec): Promise<ReflectorManifest> {
    const files = [];
    // A FIFO or a device must fail here, at once, not hang the hash (the GGUF itself is checked where it loads).
    for (const m of roleModels(spec)) closeSync(openRegularFileSync(m.path, m.kind === "adapter" ? "LoRA adapter" : "model").fd);
    for (const m of roleModels(spec)) files.push({ kind: m.kind, roles: m.roles, path: m.path, file: basename(m.path), sha256: m.kind === "adapter" ? await fileSha256(m.path) : await modelSha256(m.path) });
    return { ...(spec.source ? { source: spec.source } : {}), files };
}

/** Why resuming with these files would mix reflectors, or null when they are the ones the run started with. */
export function reflectorChange(stored: ReflectorManifest | null, now: ReflectorManifest | null): string | null {
    const list = (r: ReflectorManifest | null) => r?.files ?? [];
    for (const s of list(stored)) {
        const n = list(now).find((f) => f.path === s.path);
        if (!n) return `this run used the ${s.kind} ${s.file} as ${s.roles.join("/")} model, which its config no longer names`;
        if (n.sha256 !== s.sha256)
            return `the trained ${s.roles.join("/")} ${s.kind} ${s.path} changed since this run started (sha256 ${n.sha256.slice(0, 12)} now, ${s.sha256.slice(0, 12)} then); resuming would mix two reflectors. Restore it or start a new run.`;
    }
    const extra = list(now).find((n) => !list(stored).some((s) => s.path === n.path));
    if (extra) return `this run was made without the ${extra.kind} ${extra.file}; resuming would mix two reflectors. Start a new run.`;
    return null;
}

const roleText = (r: RoleModelSpec) => (r.adapter ? `adapter ${basename(r.adapter)}` : r.model ? `model ${basename(r.model)}` : r.endpoint ? `endpoint ${r.endpoint.name} (${r.endpoint.model})` : "base");

/** One line for titles, state lines and compare headers. */
export function describeReflector(spec: ReflectorSpec | null | undefined): string {
    if (!spec) return "base model";
    const same = JSON.stringify(spec.reflect) === JSON.stringify(spec.correct);
    const roles = same ? roleText(spec.reflect) : `reflect: ${roleText(spec.reflect)}, correct: ${roleText(spec.correct)}`;
    const trained = spec.source || (!spec.crossModel && ROLES.some((r) => spec[r].adapter || spec[r].model));
    // evolve's training folders are all called "train": name them with their round.
    const name = spec.source ? (basename(spec.source) === "train" ? `${basename(dirname(spec.source))}/train` : basename(spec.source)) : "";
    return trained ? `trained${name ? ` ${name}` : ""} (${roles})` : roles;
}

/** A warning when the adapters were trained on another base model than the run's (the LoRA would not fit it). */
export function baseMismatch(spec: ReflectorSpec | null | undefined, runModel: { file: string; sha256: string }): string | null {
    if (!spec?.base || !/^[0-9a-f]{64}$/i.test(spec.base.sha256)) return null;
    if (!spec.reflect.adapter && !spec.correct.adapter) return null;
    if (spec.base.sha256.toLowerCase() === runModel.sha256.toLowerCase()) return null;
    return `the adapters were trained on ${basename(spec.base.file)} (sha256 ${spec.base.sha256.slice(0, 12)}), this run's model is ${runModel.file} (${runModel.sha256.slice(0, 12)})`;
}
