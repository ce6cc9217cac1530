import type { Backend, BackendInfo, ChatMessage, GenerateRequest, GenerateResult, ParallelBackend } from "../../src/backend/types.js";

/**
 * A backend that answers from a script: each call pops the next reply (or asks `reply(messages)`),
 * streams it word by word, and honours abort. It implements the same interface as the real one.
 */
export class ScriptedBackend implements Backend {
    readonly calls: GenerateRequest[] = [];
    private count = 0;
    readonly info: BackendInfo = {
        kind: "fake",
        modelPath: "/fake/model.gguf",
        modelFile: "model.gguf",
        modelSha256: "0".repeat(64),
        compute: "cpu",
        gpuLayers: 0,
        totalLayers: 30,
        contextSize: 2048,
        threads: 2,
        adapters: []
    };

    constructor(
        private readonly script: string[] | ((messages: ChatMessage[], call: number) => string),
        /** keepCalls: false for long runs (the memory bench), where remembering every request would be the leak. */
        private readonly opts: { chunkDelayMs?: number; keepCalls?: boolean } = {}
    ) {}

    renderPrompt(messages: ChatMessage[]): string {
        return messages.map((m) => `<|${m.role}|>\n${m.content}\n`).join("") + "<|assistant|>\n";
    }

    async generate(req: GenerateRequest): Promise<GenerateResult> {
        const n = this.count++;
        if (this.opts.keepCalls !== false) this.calls.push(req);
        const text = typeof this.script === "function" ? this.script(req.messages, n) : this.script[n];
        if (text === undefined) throw new Error(`scripted backend: no reply scripted for call ${n}`);
        const t0 = performance.now();
        let out = "";
        for (const piece of text.match(/\S+\s*|\s+/g) ?? []) {
            if (req.signal?.aborted) return this.result(out, "abort", t0);
            if (this.opts.chunkDelayMs) await new Promise((r) => setTimeout(r, this.opts.chunkDelayMs));
            out += piece;
            req.onText?.(piece);
        }
        return this.result(out, "eos", t0);
    }

    private result(text: string, stopReason: GenerateResult["stopReason"], t0: number): GenerateResult {
        const ms = performance.now() - t0;
        const outputTokens = text.split(/\s+/).filter(Boolean).length;
        return { text, stopReason, promptTokens: 10, outputTokens, ms, tokensPerSecond: ms > 0 ? (outputTokens * 1000) / ms : 0 };
    }

    async dispose(): Promise<void> {}
}

/** P scripted slots sharing one script: the ParallelBackend the batch runner takes. */
export function scriptedParallel(
    slots: number,
    script: (messages: ChatMessage[], call: number) => string,
    opts: { chunkDelayMs?: number; keepCalls?: boolean } = {}
): ParallelBackend & { calls: () => number } {
    let calls = 0;
    const backends = Array.from({ length: slots }, () => new ScriptedBackend((m) => script(m, calls++), opts));
    const info = { ...backends[0]!.info, sequences: slots };
    return { info, slots: backends, dispose: async () => {}, calls: () => calls };
}
