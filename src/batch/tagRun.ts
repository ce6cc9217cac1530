// `reflect-lab tag-errors`: a batch run's reflections tagged by the teacher. It lives with the runs it
// reads; the teacher side (prompt, parsing, tag store) stays in src/teacher/, which never imports batch.
import type { Backend } from "../backend/types.js";
import type { ItemRecord, StepRecord } from "../engine/types.js";
import { formatChoices } from "../prompts/templates.js";
import { tagReflection } from "../teacher/errorTypes.js";
import { TEACHER_MAX_TOKENS, TEACHER_SEED } from "../teacher/sampler.js";
import { TagStore, tagKeyString, type TagKey } from "../teacher/tagStore.js";
import type { TeacherTemplates } from "../teacher/templates.js";
import { lastAssistant, teacherModelName } from "../teacher/text.js";
import type { RunManifest } from "./runs.js";
import { RunStore } from "./store.js";

export interface TagProgress {
    /** Reflections in the run. */
    total: number;
    /** Tagged before this call (skipped). */
    already: number;
    /** Tagged by this call, of which `unparsed` had no readable "Types:" line. */
    tagged: number;
    unparsed: number;
    /** Teacher calls that failed (left untagged for the next call). */
    errors: number;
    lastError: string | null;
}

export interface TagRunOptions {
    /** Teacher calls in flight (an endpoint's concurrency). Default 4. */
    concurrency?: number;
    onProgress?: (p: TagProgress) => void;
    signal?: AbortSignal;
    /** The name stored with every tag (default: the backend's model name). */
    model?: string;
    templates?: TeacherTemplates;
    seed?: number;
    maxTokens?: number;
    /** Stop after this many failed calls in a row (the teacher is down, no use asking 10,000 times). Default 5. */
    maxConsecutiveErrors?: number;
}

export interface TagRunSummary extends TagProgress {
    runDir: string;
    teacher: string;
    interrupted: boolean;
    seconds: number;
}

/** The live reflections of a sample chain: re-rolled (superseded) ones left the conversation. */
const reflectionsOf = (rec: ItemRecord): StepRecord[] => rec.steps.filter((s) => s.kind === "reflect" && !s.superseded && s.messages);

/**
 * Tags every reflection of a batch run with the error types it names, once: each reflection
 * (item, instruction, sample, turn) is one teacher call, stored in the run's teacher.sqlite as it
 * finishes. Calling again skips what is stored, so an interrupted or failed tagging resumes.
 */
export async function tagRun(runDir: string, backend: Backend, opts: TagRunOptions = {}): Promise<TagRunSummary> {
    if (!RunStore.exists(runDir)) throw new Error(`${runDir} is not a batch run (no manifest.json)`);
    const manifest = RunStore.readManifest<RunManifest>(runDir);
    if (manifest.config.mode === "retry") throw new Error(`run ${manifest.id} was made in retry mode: it has no reflections to tag`);
    const t0 = performance.now();
    const model = opts.model ?? teacherModelName(backend);
    const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
    const maxConsecutive = opts.maxConsecutiveErrors ?? 5;
    const store = RunStore.open(runDir);
    const tags = TagStore.open(runDir);
    try {
        // Pass 1 keeps only keys, not texts: a 100k-sample run stays small in memory.
        const stored = tags.keys();
        const todo: (TagKey & { task: string })[] = [];
        let total = 0;
        for (const r of store.sampleRecords()) {
            const rec = JSON.parse(r.record) as ItemRecord;
            for (const st of reflectionsOf(rec)) {
                total++;
                const key = { itemId: r.itemId, instructionKey: r.instructionKey, sampleIndex: r.sampleIndex, turn: st.turn };
                if (!stored.has(tagKeyString(key))) todo.push({ ...key, task: rec.item.task });
            }
        }
        const p: TagProgress = { total, already: total - todo.length, tagged: 0, unparsed: 0, errors: 0, lastError: null };
        const report = () => opts.onProgress?.({ ...p });
        report();
        let next = 0;
        let consecutive = 0;
        let fatal: string | null = null;
        const stopped = () => opts.signal?.aborted === true || fatal !== null;

        const tagOne = async (u: TagKey & { task: string }) => {
            const raw = store.sampleRecord(u.itemId, u.instructionKey, u.sampleIndex);
            if (raw === null) throw new Error(`sample ${u.itemId} ${u.instructionKey}#${u.sampleIndex} vanished from the run while tagging`);
            const rec = JSON.parse(raw) as ItemRecord;
            const step = reflectionsOf(rec).find((s) => s.turn === u.turn)!;
            const tag = await tagReflection(
                backend,
                { question: rec.item.question + formatChoices(rec.item.choices), attempt: lastAssistant(step.messages!), reflection: step.output ?? "" },
                { templates: opts.templates, seed: opts.seed ?? TEACHER_SEED, maxTokens: opts.maxTokens ?? TEACHER_MAX_TOKENS, signal: opts.signal }
            );
            // A stopped call is not a tag: it stays untagged for the next run.
            if (tag.result.stopReason === "abort") return;
            tags.put({ ...u, types: tag.types, parsed: tag.parsed, raw: tag.raw, messages: tag.messages, sampler: tag.sampler, teacherModel: model });
            p.tagged++;
            if (!tag.parsed) p.unparsed++;
        };

        const worker = async () => {
            while (!stopped() && next < todo.length) {
                const u = todo[next++]!;
                try {
                    await tagOne(u);
                    consecutive = 0;
                } catch (e) {
                    if (opts.signal?.aborted) break;
                    p.errors++;
                    p.lastError = (e as Error).message;
                    if (++consecutive >= maxConsecutive) fatal = p.lastError;
                }
                report();
            }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, todo.length)) }, worker));
        if (fatal !== null) {
            throw new Error(`the teacher ${model} failed ${maxConsecutive} times in a row (last: ${fatal}); ${p.already + p.tagged}/${total} reflections are tagged, run again to tag the rest`);
        }
        return { ...p, runDir, teacher: model, interrupted: opts.signal?.aborted === true, seconds: (performance.now() - t0) / 1000 };
    } finally {
        tags.close();
        store.close();
    }
}
