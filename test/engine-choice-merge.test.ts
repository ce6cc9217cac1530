// A narrowed bench (BENCH_P=1) adds its figures to the machine's engine choice instead of replacing
// the other P's; another machine's or model's file is replaced.
import { describe, expect, it } from "vitest";
import { ENGINE_CHOICE_SCHEMA, mergeEngineChoice, thisMachine, type EngineChoice } from "../src/batch/engineChoice.js";

const choice = (figures: EngineChoice["figures"], over: Partial<EngineChoice> = {}): EngineChoice => ({
    schema: ENGINE_CHOICE_SCHEMA, measured_at: "2026-12-01T00:00:00.000Z", machine: thisMachine(), model: { file: "m.gguf", sha256: "aa" }, figures, by_parallel: {}, ...over
});

describe("mergeEngineChoice", () => {
    const full = choice({ "node-llama-cpp": { "1": 40, "2": 50, "4": 70, "8": 90 }, server: { "1": 60, "2": 60, "4": 65, "8": 80 } });
    it("keeps the other P's figures of the same machine and model, replaces the re-measured one, and picks again", () => {
        const narrow = choice({ "node-llama-cpp": { "4": 80 }, server: { "4": 75 } }, { measured_at: "2026-12-02T00:00:00.000Z" });
        const { choice: c, kept } = mergeEngineChoice(full, narrow);
        expect(kept).toEqual(["1", "2", "8"]);
        expect(Object.keys(c.figures["node-llama-cpp"])).toEqual(["1", "2", "4", "8"]);
        expect(c.figures["node-llama-cpp"]["4"]).toBe(80);
        expect(c.figures.server["4"]).toBe(75);
        expect(c.by_parallel).toEqual({ "1": "server", "2": "server", "4": "node-llama-cpp", "8": "node-llama-cpp" });
        expect(c.measured_at).toBe("2026-12-02T00:00:00.000Z");
    });
    it("replaces a file of another machine or another GGUF, and takes a first file as it is", () => {
        const narrow = choice({ "node-llama-cpp": { "1": 45 }, server: { "1": 30 } });
        for (const prev of [choice(full.figures, { machine: { ...thisMachine(), cpuModel: "Other CPU" } }), choice(full.figures, { model: { file: "m.gguf", sha256: "bb" } }), null]) {
            const { choice: c, kept } = mergeEngineChoice(prev, narrow);
            expect(kept).toEqual([]);
            expect(c).toBe(narrow);
        }
    });
});
