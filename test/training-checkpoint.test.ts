// What --resume continues from, read from a training run folder: <stage>/checkpoints/checkpoint-N and <stage>/done.json.
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeResumePoint, lastStageCheckpoint, resumePoint } from "../src/training/checkpoints.js";

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A run folder with the given relative folders (ending in /) and files. */
function folder(paths: string[]): string {
    const out = mkdtempSync(join(tmpdir(), "rl-ckpt-"));
    roots.push(out);
    for (const p of paths) {
        if (p.endsWith("/")) mkdirSync(join(out, p), { recursive: true });
        else {
            mkdirSync(join(out, p, ".."), { recursive: true });
            writeFileSync(join(out, p), "{}");
        }
    }
    return out;
}

describe("resume points", () => {
    it("is nothing in an empty, missing or checkpoint-less folder", () => {
        expect(resumePoint(folder([]))).toBeNull();
        expect(resumePoint(join(tmpdir(), "rl-ckpt-no-such-folder"))).toBeNull();
        // The trainer made its checkpoints folder, but saved nothing yet; a file named like one is not one.
        const out = folder(["log.jsonl", "sft/checkpoints/", "sft/checkpoints/checkpoint-7", "sft/checkpoints/checkpoint-x/"]);
        expect(lastStageCheckpoint(out, "sft")).toBeNull();
        expect(resumePoint(out, ["sft"])).toBeNull();
    });

    it("is the highest-step checkpoint, by number not by name", () => {
        const out = folder(["sft/checkpoints/checkpoint-2/", "sft/checkpoints/checkpoint-10/", "sft/checkpoints/checkpoint-9/"]);
        const p = resumePoint(out, ["sft"]);
        expect(p).toEqual({ checkpoint: { stage: "sft", step: 10, path: join(out, "sft", "checkpoints", "checkpoint-10") }, finished: [] });
        expect(describeResumePoint(p!)).toBe("sft checkpoint-10");
        // Without the stage names every stage folder counts.
        expect(resumePoint(out)?.checkpoint?.step).toBe(10);
    });

    it("skips a finished stage: its checkpoints are not where a resume starts", () => {
        const finishedOnly = folder(["reflector/done.json", "reflector/checkpoints/checkpoint-50/", "corrector/"]);
        const p = resumePoint(finishedOnly, ["reflector", "corrector"]);
        expect(p).toEqual({ checkpoint: null, finished: ["reflector"] });
        expect(describeResumePoint(p!)).toBe("after the finished reflector stage");

        const later = folder(["reflector/done.json", "reflector/checkpoints/checkpoint-50/", "corrector/checkpoints/checkpoint-3/"]);
        expect(resumePoint(later, ["reflector", "corrector"])).toMatchObject({ checkpoint: { stage: "corrector", step: 3 }, finished: ["reflector"] });
        // The stage order given wins: the latest stage with a checkpoint.
        const both = folder(["reflector/checkpoints/checkpoint-8/", "corrector/checkpoints/checkpoint-1/"]);
        expect(resumePoint(both, ["reflector", "corrector"])?.checkpoint?.stage).toBe("corrector");
        expect(resumePoint(both, ["corrector", "reflector"])?.checkpoint?.stage).toBe("reflector");
    });
});
