import { isAbsolute, relative } from "node:path";
import type { TeachSource } from "./sources.js";
import { TEACH_SET_SCHEMA, type TeachExample, type TeachSetHeader } from "./set.js";
import type { GalleryEntry, Outcome, Walkthrough } from "./types.js";

export interface PickOptions {
    /** Outcomes to take, in the order the set lists them (default: corrected, then not corrected, then flipped). */
    outcomes: Outcome[];
    /** At most this many examples per task and outcome. */
    perTask: number;
}

export const DEFAULT_PICK: PickOptions = { outcomes: ["corrected", "not-corrected", "flipped"], perTask: 3 };

/**
 * A classroom's best examples first: within an outcome, a reflection that follows the instruction's
 * numbered stages and that names the error (the text check) ranks above one that does neither.
 * One chain per item and outcome, so a set does not repeat a question.
 */
function score(w: Walkthrough): number {
    const refl = w.stages.find((s) => s.kind === "reflection");
    const aligned = new Set((refl?.alignment ?? []).map((p) => p.stage).filter((s) => s !== null)).size;
    const named = w.stages.find((s) => s.kind === "summary")?.summary?.named.verdict === "yes" ? 3 : 0;
    // A reflection that only repeats its instruction follows the numbering and says nothing: last.
    return named + aligned - (refl && parrots(refl.text, refl.instruction?.stages.join(" ") ?? "") ? 10 : 0);
}

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

/** Whether most of a reflection's words come from the instruction it was given. */
export function parrots(reflection: string, instruction: string): boolean {
    const given = new Set(words(instruction));
    const mine = words(reflection);
    return given.size > 0 && mine.length > 0 && mine.filter((w) => given.has(w)).length / mine.length > 0.7;
}

export function pickExamples(source: TeachSource, opts: PickOptions = DEFAULT_PICK): { entry: GalleryEntry; walkthrough: Walkthrough }[] {
    const out: { entry: GalleryEntry; walkthrough: Walkthrough }[] = [];
    for (const outcome of opts.outcomes) {
        const these: { entry: GalleryEntry; walkthrough: Walkthrough; score: number }[] = [];
        const byTask = new Map<string, { entry: GalleryEntry; walkthrough: Walkthrough; score: number }[]>();
        const seen = new Set<string>();
        for (const entry of source.entries) {
            if (entry.outcome !== outcome) continue;
            const walkthrough = entry.open();
            const list = byTask.get(entry.task) ?? [];
            byTask.set(entry.task, list);
            list.push({ entry, walkthrough, score: score(walkthrough) });
        }
        for (const list of byTask.values()) {
            list.sort((a, b) => b.score - a.score);
            let taken = 0;
            for (const c of list) {
                if (taken >= opts.perTask) break;
                if (seen.has(c.entry.itemId)) continue;
                seen.add(c.entry.itemId);
                taken++;
                these.push(c);
            }
        }
        // The best of an outcome first, whatever its task: a set opens on its first example.
        these.sort((a, b) => b.score - a.score);
        out.push(...these.map(({ entry, walkthrough }) => ({ entry, walkthrough })));
    }
    return out;
}

/** A path as the user would type it from here: relative when inside the working folder (a set shipped in a repo names no one's home). */
const shown = (path: string) => {
    const rel = relative(process.cwd(), path);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
};

/** Where a picked chain was recorded, as the set stores it. */
export function provenanceOf(source: TeachSource, e: GalleryEntry): string {
    const sample = source.kind === "run" ? (e.instructionKey ? ` · sample ${e.instructionKey}#${e.sampleIndex}` : " · turn 1 only") : "";
    return `${shown(source.path)} · item ${e.itemId}${sample}`;
}

/** The set's header and lines for the picked examples. */
export function teachSetOf(source: TeachSource, picked: { entry: GalleryEntry; walkthrough: Walkthrough }[], madeBy: string, note?: string): { header: TeachSetHeader; examples: TeachExample[] } {
    if (picked.length === 0) throw new Error(`no examples to save from ${source.path}: no chain has the outcomes asked for`);
    const outcomes: Record<string, number> = {};
    for (const p of picked) outcomes[p.entry.outcome] = (outcomes[p.entry.outcome] ?? 0) + 1;
    const m = picked[0]!.walkthrough.record.model;
    const header: TeachSetHeader = { schema: TEACH_SET_SCHEMA, created_at: new Date().toISOString(), made_by: madeBy, source: shown(source.path), model: { file: m.file, sha256: m.sha256 }, outcomes, ...(note ? { note } : {}) };
    const examples = picked.map((p) => ({ provenance: p.walkthrough.source.provenance ?? provenanceOf(source, p.entry), record: p.walkthrough.record }));
    return { header, examples };
}
