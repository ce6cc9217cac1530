import { availableParallelism } from "node:os";
import { cpuContention, registerCpuUse } from "./cpuPeers.js";
import type { ChatWrapper, Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import type { Backend, BackendInfo, ChatMessage, ComputeBackend, GenerateRequest, GenerateResult, ParallelBackend, StopReason } from "./types.js";
import { chatTokens, modelChatWrapper } from "./chatPrompt.js";
import { LockstepScheduler } from "./lockstep.js";
import { modelFileName, modelSha256, resolveModelPath } from "./modelFile.js";
import { checkGgufFile } from "./ggufHeader.js";
import { commonPrefix, pickDonor } from "./prefixDonor.js";

export interface LlamaBackendOptions {
    /** A GGUF path, an `hf:` URI, or undefined for the embedded default model. */
    model?: string;
    /** "auto" picks CUDA/Vulkan/Metal when present, CPU otherwise. */
    gpu?: "auto" | "cuda" | "vulkan" | "metal" | "cpu";
    /** Cap on offloaded layers ("auto" = as many as fit). */
    gpuLayers?: "auto" | number;
    /** Cap on the VRAM the model may use, in MiB (null = no cap). */
    vramCapMiB?: number | null;
    /** Tokens per sequence (the KV cache holds contextSize x sequences). */
    contextSize?: number;
    /** Parallel sequences in the one context; each is a slot the batch runner keeps busy. */
    sequences?: number;
    /** Defaults to the core count: more threads than cores makes generation ~100x slower here. */
    threads?: number;
    /** Reuse the evaluated prefix a prompt shares with the sequence's previous one (default true; off only to measure what it saves). */
    reusePrefix?: boolean;
    /** LoRA adapters (GGUF) applied on top of the model. */
    lora?: { path: string; scale?: number }[];
    onProgress?: (msg: string) => void;
}

/** Penalised window for the repeat penalty, as node-llama-cpp's chat sessions use. */
const REPEAT_WINDOW = 64;

/**
 * A GGUF model run by node-llama-cpp: one context with `sequences` slots, the model's own chat
 * template, and every slot's token generation stepped in lockstep for full decode batches.
 */
export class LlamaHost implements ParallelBackend {
    readonly slots: Backend[];
    readonly scheduler = new LockstepScheduler<Token>();
    /** Prompt prefixes copied from another slot's sequence instead of evaluated again (the bench reports them). */
    readonly prefixCopies = { copies: 0, tokens: 0 };
    private readonly sequences: LlamaContextSequence[];

    private constructor(
        readonly info: BackendInfo,
        private readonly llama: Llama,
        readonly model: LlamaModel,
        private readonly context: LlamaContext,
        readonly chatWrapper: ChatWrapper,
        readonly reusePrefix: boolean,
        /** False for a context attached to another host's model (withAdapter): disposing it leaves the model loaded. */
        private readonly ownsModel = true
    ) {
        this.sequences = Array.from({ length: context.totalSequences }, () => context.getSequence());
        this.slots = this.sequences.map((seq, i) => new LlamaSlot(this, i, seq, this.scheduler));
    }

    /** The other slots' sequences, with their evaluated tokens: where a slot may copy a prompt prefix from. */
    donors(slot: number): { sequence: LlamaContextSequence; tokens: readonly number[] }[] {
        return this.sequences.flatMap((sequence, i) => (i === slot ? [] : [{ sequence, tokens: sequence.contextTokens }]));
    }

    static async load(opts: LlamaBackendOptions = {}): Promise<LlamaHost> {
        const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
        const modelPath = await resolveModelPath(opts.model, opts.onProgress);
        // Bounds-checked headers first: node-llama-cpp's reader trusts them (a crafted count hangs it).
        checkGgufFile(modelPath, "model");
        for (const a of opts.lora ?? []) checkGgufFile(a.path, "LoRA adapter");
        const threads = opts.threads ?? availableParallelism();
        const gpu = opts.gpu ?? "auto";
        let note: string | undefined;
        const base = {
            // A from-source build (minutes, writes into node_modules) must never start by itself.
            build: "never" as const,
            maxThreads: threads,
            logLevel: LlamaLogLevel.error,
            vramPadding: opts.vramCapMiB != null ? (total: number) => Math.max(0, total - opts.vramCapMiB! * 1024 * 1024) : undefined
        };
        let llama: Llama;
        try {
            llama = await sharedLlama(gpu === "cpu" ? false : gpu, () => getLlama({ ...base, gpu: gpu === "cpu" ? false : gpu }));
        } catch (e) {
            if (gpu === "auto" || gpu === "cpu") throw e;
            note = `${gpu} unavailable (${(e as Error).message.split("\n")[0]}); fell back to CPU`;
            llama = await sharedLlama(false, () => getLlama({ ...base, gpu: false }));
        }
        opts.onProgress?.(`loading ${modelFileName(modelPath)}`);
        const [model, sha] = await Promise.all([
            llama.loadModel({ modelPath, gpuLayers: opts.gpuLayers === undefined || opts.gpuLayers === "auto" ? "auto" : { max: opts.gpuLayers } }).catch((e: unknown) => {
                throw new Error(`cannot load model ${modelPath}: ${(e as Error).message ?? String(e)}`);
            }),
            modelSha256(modelPath)
        ]);
        const contextSize = Math.min(opts.contextSize ?? 4096, model.trainContextSize);
        const context = await model
            .createContext({
                contextSize,
                sequences: opts.sequences ?? 1,
                threads,
                lora: opts.lora?.length ? { adapters: opts.lora.map((a) => ({ filePath: a.path, scale: a.scale ?? 1 })) } : undefined
            })
            .catch((e: unknown) => {
                throw contextError(e, modelPath, opts.lora);
            });
        const chatWrapper = await modelChatWrapper(model);
        const compute: ComputeBackend = llama.gpu === false ? "cpu" : llama.gpu;
        const info: BackendInfo = {
            kind: "node-llama-cpp",
            modelPath,
            modelFile: modelFileName(modelPath),
            modelSha256: sha,
            compute,
            gpuLayers: model.gpuLayers,
            totalLayers: model.fileInsights.totalLayers,
            contextSize: context.contextSize,
            threads,
            sequences: context.totalSequences,
            adapters: (opts.lora ?? []).map((a) => modelFileName(a.path)),
            note
        };
        registerCpuUse(threads, info.modelFile);
        const contention = cpuContention();
        if (contention) opts.onProgress?.(`warning: ${contention}`);
        return new LlamaHost(info, llama, model, context, chatWrapper, opts.reusePrefix ?? true);
    }

    /**
     * A second context on this host's already loaded model, with LoRA adapters applied (node-llama-cpp
     * applies adapters per context): a trained reflector beside the frozen base without loading the
     * weights twice, which matters for big models on one GPU. Dispose it before this host.
     */
    async withAdapter(lora: { path: string; scale?: number }[], sequences = this.info.sequences): Promise<LlamaHost> {
        for (const a of lora) checkGgufFile(a.path, "LoRA adapter");
        const context = await this.model
            .createContext({
                contextSize: this.info.contextSize,
                sequences,
                threads: this.info.threads,
                lora: { adapters: lora.map((a) => ({ filePath: a.path, scale: a.scale ?? 1 })) }
            })
            .catch((e: unknown) => {
                throw contextError(e, this.info.modelPath, lora);
            });
        const info: BackendInfo = { ...this.info, sequences: context.totalSequences, adapters: lora.map((a) => modelFileName(a.path)) };
        return new LlamaHost(info, this.llama, this.model, context, this.chatWrapper, this.reusePrefix, false);
    }

    /**
     * Teacher-forced log-probability of `continuation` as the assistant's reply to `messages`, on slot 0's
     * sequence (which must be idle): how likely the model finds a given reflection, e.g. before and
     * after a trained adapter. Returns the sum and the per-token mean (natural log).
     */
    async scoreReply(messages: ChatMessage[], continuation: string): Promise<{ tokens: number; logprob: number; mean: number }> {
        return (this.slots[0] as LlamaSlot).score(this.tokens(messages), this.model.tokenize(continuation, false));
    }

    /** The host as a single-slot Backend (the interactive lab): disposing it disposes the host. */
    single(): Backend {
        const slot = this.slots[0]!;
        return { info: this.info, renderPrompt: (m) => slot.renderPrompt(m), generate: (r) => slot.generate(r), dispose: () => this.dispose() };
    }

    /** Prompt tokens by message list: the loop renders a prompt for its record, then generates the same list. */
    private readonly tokenCache = new WeakMap<ChatMessage[], Token[]>();

    tokens(messages: ChatMessage[]): Token[] {
        let tokens = this.tokenCache.get(messages);
        if (!tokens) this.tokenCache.set(messages, (tokens = this.tokenize(messages)));
        return tokens;
    }

    private tokenize(messages: ChatMessage[]): Token[] {
        return chatTokens(this.model, this.chatWrapper, messages);
    }

    async dispose(): Promise<void> {
        await this.context.dispose();
        if (!this.ownsModel) return;
        await this.model.dispose();
        await releaseLlama(this.llama);
    }
}

/** A failed context names the model and the adapters it was to apply (a bad adapter fails here). */
function contextError(e: unknown, modelPath: string, lora: { path: string }[] | undefined): Error {
    const adapters = lora?.length ? ` with LoRA adapter${lora.length > 1 ? "s" : ""} ${lora.map((a) => a.path).join(", ")}` : "";
    return new Error(`cannot create a context for model ${modelPath}${adapters}: ${(e as Error).message ?? String(e)}`);
}

function lastTokens(prompt: Token[], generated: Token[], n: number): Token[] {
    if (generated.length >= n) return generated.slice(-n);
    return prompt.slice(Math.max(0, prompt.length - (n - generated.length))).concat(generated);
}

/** One context sequence as a Backend. Follow-up prompts reuse the evaluated prefix they share with the last one. */
class LlamaSlot implements Backend {
    constructor(
        private readonly host: LlamaHost,
        private readonly id: number,
        private readonly sequence: LlamaContextSequence,
        private readonly scheduler: LockstepScheduler<Token>
    ) {}

    get info(): BackendInfo {
        return this.host.info;
    }

    async score(prompt: Token[], target: Token[]): Promise<{ tokens: number; logprob: number; mean: number }> {
        if (target.length === 0) throw new Error("nothing to score: the continuation is empty");
        const seq = this.sequence;
        if (prompt.length + target.length > seq.contextSize) throw new Error(`prompt and continuation (${prompt.length + target.length} tokens) do not fit the context (${seq.contextSize})`);
        await seq.eraseContextTokenRanges([{ start: 0, end: seq.nextTokenIndex }]);
        const all = [...prompt, ...target];
        // Raw logits after each position from the last prompt token on (those predict the target tokens):
        // log p(t) = logit(t) - maxLogit - log(sum exp(logit - maxLogit)), untouched by any sampler setting.
        const first = prompt.length - 1;
        const results = await seq.controlledEvaluate(
            all.map((t, i) => (i >= first && i < all.length - 1 ? [t, { generateNext: { logits: { filter: { tokens: [target[i - first]!], includeMax: true } }, totalLogitWeight: true } }] : t))
        );
        let logprob = 0;
        for (let j = 0; j < target.length; j++) {
            const next = results[first + j]?.next;
            const logits = next?.logits;
            const weight = next?.totalLogitWeight;
            const own = logits?.get(target[j]!);
            if (!logits || weight == null || own == null) throw new Error("node-llama-cpp returned no logits for scoring");
            logprob += own - Math.max(...logits.values()) - Math.log(weight);
        }
        return { tokens: target.length, logprob, mean: logprob / target.length };
    }

    /**
     * When another slot's sequence holds a longer prefix of `prompt` than this one (a chain of an item
     * another slot answered, the next sample of the same turn 1), copies that sequence's KV state up
     * to it: a buffer copy (tens of MB) instead of re-reading hundreds of tokens. Returns the prefix
     * this sequence now shares with the prompt.
     */
    private async borrowPrefix(prompt: Token[], own: number): Promise<number> {
        const seq = this.sequence as LlamaContextSequence & { _copyStateFromOtherSequence?: (other: LlamaContextSequence, upTo: number) => Promise<boolean> };
        // Sliding-window and recurrent models keep more than KV cells per prefix (node-llama-cpp's checkpoints): not copied.
        if (seq.needsCheckpoints || typeof seq._copyStateFromOtherSequence !== "function") return own;
        const donor = pickDonor(prompt, own, this.host.donors(this.id));
        if (!donor) return own;
        // node-llama-cpp's own (internal) sequence copy: llama_memory_seq_cp under the context lock, so a
        // donor mid-generation is copied between decode batches, then the tail past `upTo` erased.
        const upTo = Math.min(donor.common, prompt.length - 1);
        try {
            await seq._copyStateFromOtherSequence(donor.sequence, upTo);
        } catch {
            await seq.clearHistory();
            return 0;
        }
        const now = commonPrefix(seq.contextTokens, prompt);
        this.host.prefixCopies.copies++;
        this.host.prefixCopies.tokens += Math.max(0, now - own);
        return now;
    }

    renderPrompt(messages: ChatMessage[]): string {
        // Detokenized with special tokens, so BOS and template markers appear as the model reads them.
        return this.host.model.detokenize(this.host.tokens(messages), true);
    }

    async generate(req: GenerateRequest): Promise<GenerateResult> {
        const t0 = performance.now();
        const { model } = this.host;
        const seq = this.sequence;
        const prompt = this.host.tokens(req.messages);
        const room = seq.contextSize - prompt.length;
        if (room < 2) throw new Error(`the prompt (${prompt.length} tokens) does not fit the context (${seq.contextSize} tokens per sequence); raise contextSize or lower maxTurns/maxTokens`);
        const maxTokens = Math.min(req.sampler.maxTokens, room - 1);

        // Keep the longest evaluated prefix (this sequence's own, or one copied from another slot's);
        // at least one token is evaluated again to get fresh logits.
        let common = this.host.reusePrefix ? await this.borrowPrefix(prompt, commonPrefix(seq.contextTokens, prompt)) : 0;
        if (common === prompt.length) common--;
        if (common < seq.nextTokenIndex) await seq.eraseContextTokenRanges([{ start: common, end: seq.nextTokenIndex }]);
        const toEvaluate = prompt.slice(common);

        const s = req.sampler;
        const generated: Token[] = [];
        const iter = seq.evaluate(toEvaluate, {
            temperature: s.temperature,
            topK: s.topK,
            topP: s.topP,
            minP: s.minP,
            seed: s.seed,
            repeatPenalty: s.repeatPenalty === 1 ? undefined : { punishTokens: () => lastTokens(prompt, generated, REPEAT_WINDOW), penalty: s.repeatPenalty }
        });
        // Streamed text is decoded incrementally (the main thread is shared with every slot): only the
        // tokens not yet shown, with a few earlier ones as context for spacing.
        let shown = 0;
        let stopReason: StopReason = "eos";
        try {
            for (;;) {
                if (req.signal?.aborted) {
                    stopReason = "abort";
                    break;
                }
                const r = await this.scheduler.step(this.id, iter);
                if (r.done) break; // an end-of-generation token
                generated.push(r.value);
                if (req.onText) {
                    const piece = model.detokenize(generated.slice(shown), false, generated.slice(Math.max(0, shown - 4), shown));
                    // A multi-byte character split across tokens waits for its remaining bytes.
                    if (piece && !piece.endsWith("\uFFFD")) {
                        req.onText(piece);
                        shown = generated.length;
                    }
                }
                if (generated.length >= maxTokens) {
                    stopReason = "maxTokens";
                    break;
                }
            }
        } finally {
            this.scheduler.leave(this.id);
            await iter.return?.();
        }
        const text = model.detokenize(generated);
        const ms = performance.now() - t0;
        return { text, stopReason, promptTokens: toEvaluate.length, cachedTokens: common, outputTokens: generated.length, ms, tokensPerSecond: ms > 0 ? (generated.length * 1000) / ms : 0 };
    }

    async dispose(): Promise<void> {
        /* the host owns the sequence */
    }
}

/**
 * One Llama instance per process and compute backend: node-llama-cpp splits an instance's
 * `maxThreads` between its contexts, so the lab and a batch it starts (or a base model and a
 * trained reflector loaded on its own) share one thread budget instead of each spinning the
 * cores' worth of threads. Reference-counted; the last host to go disposes it.
 */
const llamas = new Map<string, { llama: Promise<Llama>; users: number }>();

async function sharedLlama(gpu: unknown, create: () => Promise<Llama>): Promise<Llama> {
    const key = String(gpu);
    let entry = llamas.get(key);
    if (!entry) {
        entry = { llama: create(), users: 0 };
        llamas.set(key, entry);
        entry.llama.catch(() => llamas.delete(key));
    }
    entry.users++;
    try {
        return await entry.llama;
    } catch (e) {
        entry.users--;
        throw e;
    }
}

async function releaseLlama(llama: Llama): Promise<void> {
    for (const [key, entry] of llamas) {
        if ((await entry.llama.catch(() => null)) !== llama) continue;
        if (--entry.users > 0) return;
        llamas.delete(key);
        await llama.dispose();
        return;
    }
    await llama.dispose();
}
