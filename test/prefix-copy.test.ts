// A slot copies a prompt prefix another slot's sequence already evaluated (src/backend/prefixDonor.ts,
// LlamaSlot.borrowPrefix) instead of re-reading it; on the real default model the copied state must
// give the same greedy text as a fresh sequence that read the whole prompt, also when the donor is
// generating at the time, and the donor must be left as it was.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaHost as Host } from "../src/backend/llama.js";
import { commonPrefix, MIN_PREFIX_GAIN, pickDonor } from "../src/backend/prefixDonor.js";
import type { ChatMessage } from "../src/backend/types.js";

describe("pickDonor", () => {
    const prompt = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    it("takes the longest shared prefix when it beats the slot's own by the minimum gain", () => {
        expect(commonPrefix([1, 2, 3], [1, 2, 4])).toBe(2);
        expect(commonPrefix([], [1])).toBe(0);
        const cands = [
            { sequence: "a", tokens: [1, 2, 3, 9] },
            { sequence: "b", tokens: [1, 2, 3, 4, 5, 6, 7, 0] },
            { sequence: "c", tokens: [1, 2, 3, 4, 5, 6] }
        ];
        expect(pickDonor(prompt, 0, cands, 3)).toEqual({ sequence: "b", common: 7 });
        // The slot's own prefix is as good, or the gain is below the minimum: no copy.
        expect(pickDonor(prompt, 5, cands, 3)).toBeNull();
        expect(pickDonor(prompt, 4, cands, 3)).toEqual({ sequence: "b", common: 7 });
        expect(pickDonor(prompt, 0, [], 1)).toBeNull();
        expect(pickDonor(prompt, 0, [{ sequence: "x", tokens: [2, 1] }], 1)).toBeNull();
        expect(MIN_PREFIX_GAIN).toBeGreaterThan(0);
    });
});

const greedy = (maxTokens: number) => ({ temperature: 0, topK: 1, topP: 1, minP: 0, repeatPenalty: 1, seed: 1, maxTokens });
const question: ChatMessage[] = [
    { role: "system", content: "You are a careful assistant who explains arithmetic step by step and checks every result." },
    { role: "user", content: "A shop sells pencils at 3 for 45 cents and erasers at 2 for 30 cents. Tom buys 9 pencils and 4 erasers and pays with a 5 dollar note. How much change does he get? Show your working." }
];

describe("prefix copy between the slots of one context (real default model)", () => {
    let host: Host;
    let fresh: Host;
    beforeAll(async () => {
        const { LlamaHost } = await import("../src/backend/llama.js");
        host = await LlamaHost.load({ sequences: 3, contextSize: 1024, threads: 2 });
        // The reference reads every prompt whole on a sequence of its own.
        fresh = await LlamaHost.load({ sequences: 1, contextSize: 1024, threads: 2, reusePrefix: false });
    }, 300_000);
    afterAll(async () => {
        await host?.dispose();
        await fresh?.dispose();
    });

    it("a follow-up on another slot copies the first slot's prefix and generates what a whole read does", async () => {
        const [s0, s1] = host.slots;
        const first = await s0!.generate({ messages: question, sampler: greedy(24) });
        const follow: ChatMessage[] = [...question, { role: "assistant", content: first.text }, { role: "user", content: "Check each step of your answer and say whether the change is right." }];
        const before = host.prefixCopies.copies;
        const r = await s1!.generate({ messages: follow, sampler: greedy(24) });
        expect(host.prefixCopies.copies).toBe(before + 1);
        const questionTokens = host.tokens(question).length;
        expect(r.cachedTokens).toBeGreaterThanOrEqual(questionTokens);
        expect(r.promptTokens + r.cachedTokens!).toBe(host.tokens(follow).length);
        const ref = await fresh.slots[0]!.generate({ messages: follow, sampler: greedy(24) });
        expect(ref.cachedTokens).toBe(0);
        expect(r.outputTokens).toBe(ref.outputTokens);
        expect(r.text).toBe(ref.text);
    }, 300_000);

    it("copies from a donor that is generating, and leaves the donor's reply unchanged", async () => {
        const [s0, , s2] = host.slots;
        const other: ChatMessage[] = [question[0]!, { role: "user", content: "Explain in a few sentences why the sky looks blue on a clear day, and why sunsets look red." }];
        const refLong = await fresh.slots[0]!.generate({ messages: other, sampler: greedy(48) });
        const follow: ChatMessage[] = [...other, { role: "assistant", content: "Let me think." }, { role: "user", content: "Go on: answer the question I asked." }];
        const refFollow = await fresh.slots[0]!.generate({ messages: follow, sampler: greedy(24) });

        const before = { ...host.prefixCopies };
        let started!: () => void;
        const generating = new Promise<void>((r) => (started = r));
        const long = s0!.generate({ messages: other, sampler: greedy(48), onText: () => started() });
        await generating; // slot 0 has read its prompt and is mid-reply
        const r = await s2!.generate({ messages: follow, sampler: greedy(24) });
        const donor = await long;
        expect(host.prefixCopies.copies).toBe(before.copies + 1);
        expect(host.prefixCopies.tokens).toBeGreaterThan(before.tokens + MIN_PREFIX_GAIN);
        expect(r.cachedTokens).toBeGreaterThanOrEqual(host.tokens(other).length);
        expect(r.text).toBe(refFollow.text);
        expect(donor.outputTokens).toBe(refLong.outputTokens);
        expect(donor.text).toBe(refLong.text);
    }, 300_000);

    it("makes no copy with prefix reuse off", async () => {
        expect(fresh.prefixCopies.copies).toBe(0);
        const r = await fresh.slots[0]!.generate({ messages: question, sampler: greedy(4) });
        expect(r.cachedTokens).toBe(0);
        expect(fresh.prefixCopies.copies).toBe(0);
    }, 300_000);
});
