/** A chat message as sent to the model; the chat template comes from the model itself. */
export interface ChatMessage {
    role: "system" | "user" | "assistant";
    content: string;
}

/** Sampler settings; recorded with every generation so a run can be reproduced. */
export interface SamplerSettings {
    temperature: number;
    topK: number;
    topP: number;
    minP: number;
    /** 1 disables the penalty (node-llama-cpp enables one by default, so it is always set explicitly). */
    repeatPenalty: number;
    seed: number;
    maxTokens: number;
}

export interface GenerateRequest {
    messages: ChatMessage[];
    sampler: SamplerSettings;
    signal?: AbortSignal;
    /** Streaming callback, called with each new piece of text. */
    onText?: (text: string) => void;
}

export type StopReason = "eos" | "maxTokens" | "abort" | "stop";

export interface GenerateResult {
    text: string;
    stopReason: StopReason;
    /** Prompt tokens evaluated for this call. */
    promptTokens: number;
    /** Prompt tokens reused from the sequence's previous evaluation (a shared prefix), not evaluated again. */
    cachedTokens?: number;
    outputTokens: number;
    /** Wall time of the generation, prompt evaluation included. */
    ms: number;
    /** Output tokens per second over the generation's wall time. */
    tokensPerSecond: number;
}

export type ComputeBackend = "cuda" | "vulkan" | "metal" | "cpu";

/** What the header shows and what every record carries about the model and hardware. */
export interface BackendInfo {
    /** "node-llama-cpp", "fake", or later "openai". */
    kind: string;
    modelPath: string;
    modelFile: string;
    modelSha256: string;
    compute: ComputeBackend;
    gpuLayers: number;
    totalLayers: number;
    contextSize: number;
    threads: number;
    /** Parallel sequences (slots) in the context. */
    sequences?: number;
    /** Names of loaded LoRA adapters, if any. */
    adapters: string[];
    /** A note for the user, e.g. why a requested GPU backend fell back to CPU. */
    note?: string;
}

/** A text generator. Implementations: node-llama-cpp (src/backend/llama.ts) and scripted fakes in tests. */
export interface Backend {
    readonly info: BackendInfo;
    /** The exact text the model will read for these messages (chat template applied), computed before generation. */
    renderPrompt(messages: ChatMessage[]): string;
    generate(req: GenerateRequest): Promise<GenerateResult>;
    dispose(): Promise<void>;
}

/** Several Backends sharing one model: the batch runner keeps each slot busy with its own items. */
export interface ParallelBackend {
    readonly info: BackendInfo;
    readonly slots: Backend[];
    dispose(): Promise<void>;
}
