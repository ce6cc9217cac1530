import { availableParallelism } from "node:os";
import type { ChatHistoryItem, Llama, LlamaChat, LlamaContext, LlamaModel } from "node-llama-cpp";
import type { Backend, BackendInfo, ChatMessage, ComputeBackend, GenerateRequest, GenerateResult, StopReason } from "./types.js";
import { modelFileName, modelSha256, resolveModelPath } from "./modelFile.js";

export interface LlamaBackendOptions {
    /** A GGUF path, an `hf:` URI, or undefined for the embedded default model. */
    model?: string;
    /** "auto" picks CUDA/Vulkan/Metal when present, CPU otherwise. */
    gpu?: "auto" | "cuda" | "vulkan" | "metal" | "cpu";
    /** Cap on offloaded layers ("auto" = as many as fit). */
    gpuLayers?: "auto" | number;
    /** Cap on the VRAM the model may use, in MiB (null = no cap). */
    vramCapMiB?: number | null;
    contextSize?: number;
    /** Defaults to the core count: more threads than cores makes generation ~100x slower here. */
    threads?: number;
    /** LoRA adapters (GGUF) applied on top of the model. */
    lora?: { path: string; scale?: number }[];
    onProgress?: (msg: string) => void;
}

/** The local backend: a GGUF model run by node-llama-cpp, one context sequence, the model's own chat template. */
export class LlamaBackend implements Backend {
    private constructor(
        readonly info: BackendInfo,
        private readonly llama: Llama,
        private readonly model: LlamaModel,
        private readonly context: LlamaContext,
        private readonly chat: LlamaChat
    ) {}

    static async load(opts: LlamaBackendOptions = {}): Promise<LlamaBackend> {
        const { getLlama, LlamaChat, resolveChatWrapper, LlamaLogLevel } = await import("node-llama-cpp");
        const modelPath = await resolveModelPath(opts.model, opts.onProgress);
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
            llama = await getLlama({ ...base, gpu: gpu === "cpu" ? false : gpu });
        } catch (e) {
            if (gpu === "auto" || gpu === "cpu") throw e;
            note = `${gpu} unavailable (${(e as Error).message.split("\n")[0]}); fell back to CPU`;
            llama = await getLlama({ ...base, gpu: false });
        }
        opts.onProgress?.(`loading ${modelFileName(modelPath)}`);
        const [model, sha] = await Promise.all([
            llama.loadModel({ modelPath, gpuLayers: opts.gpuLayers === undefined || opts.gpuLayers === "auto" ? "auto" : { max: opts.gpuLayers } }),
            modelSha256(modelPath)
        ]);
        const contextSize = Math.min(opts.contextSize ?? 4096, model.trainContextSize);
        const context = await model.createContext({
            contextSize,
            sequences: 1,
            threads,
            lora: opts.lora?.length ? { adapters: opts.lora.map((a) => ({ filePath: a.path, scale: a.scale ?? 1 })) } : undefined
        });
        // Resolving the Jinja chat template costs ~0.6 s of main-thread time: do it once per model.
        const chatWrapper = resolveChatWrapper(model);
        const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper, autoDisposeSequence: true });
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
            adapters: (opts.lora ?? []).map((a) => modelFileName(a.path)),
            note
        };
        return new LlamaBackend(info, llama, model, context, chat);
    }

    private history(messages: ChatMessage[]): ChatHistoryItem[] {
        const items: ChatHistoryItem[] = messages.map((m) =>
            m.role === "assistant" ? { type: "model", response: [m.content] } : { type: m.role, text: m.content }
        );
        // An empty model turn at the end asks the model to write the next one.
        items.push({ type: "model", response: [] });
        return items;
    }

    renderPrompt(messages: ChatMessage[]): string {
        const state = this.chat.chatWrapper.generateContextState({ chatHistory: this.history(messages) });
        // Tokenize and detokenize with special tokens so BOS/EOS and template markers appear as the model reads them.
        return this.model.detokenize(state.contextText.tokenize(this.model.tokenizer), true);
    }

    async generate(req: GenerateRequest): Promise<GenerateResult> {
        const meter = this.chat.sequence.tokenMeter;
        const in0 = meter.usedInputTokens;
        const out0 = meter.usedOutputTokens;
        const t0 = performance.now();
        const s = req.sampler;
        let res;
        try {
            res = await this.chat.generateResponse(this.history(req.messages), {
            onTextChunk: req.onText,
            signal: req.signal,
            stopOnAbortSignal: true,
            maxTokens: s.maxTokens,
            temperature: s.temperature,
            topK: s.topK,
            topP: s.topP,
            minP: s.minP,
            seed: s.seed,
            repeatPenalty: s.repeatPenalty === 1 ? false : { penalty: s.repeatPenalty, lastTokens: 64 }
            });
        } catch (e) {
            // Aborted before the first token: node-llama-cpp throws instead of returning partial text.
            if (!req.signal?.aborted) throw e;
            const ms = performance.now() - t0;
            return { text: "", stopReason: "abort", promptTokens: meter.usedInputTokens - in0, outputTokens: 0, ms, tokensPerSecond: 0 };
        }
        const ms = performance.now() - t0;
        const outputTokens = meter.usedOutputTokens - out0;
        const stop = res.metadata.stopReason;
        const stopReason: StopReason = stop === "eogToken" ? "eos" : stop === "maxTokens" ? "maxTokens" : stop === "abort" ? "abort" : "stop";
        return {
            text: res.response,
            stopReason,
            promptTokens: meter.usedInputTokens - in0,
            outputTokens,
            ms,
            tokensPerSecond: ms > 0 ? (outputTokens * 1000) / ms : 0
        };
    }

    async dispose(): Promise<void> {
        await this.context.dispose();
        await this.model.dispose();
        await this.llama.dispose();
    }
}
