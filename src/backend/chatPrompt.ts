// The prompt a chat-tuned GGUF reads for a message list, rendered with the model's own Jinja chat
// template through node-llama-cpp. One place, so the node-llama-cpp engine and the managed
// llama-server engine record (and evaluate) the same text.
import type { ChatHistoryItem, ChatWrapper, Llama, LlamaModel, Token } from "node-llama-cpp";
import type { ChatMessage } from "./types.js";

/**
 * The model's own Jinja template, as transformers renders it at training time (same tokens; see
 * test/e2e-training.test.ts); node-llama-cpp's "auto" would swap in a family wrapper (ChatML for
 * SmolLM2, which drops the template's default system prompt and doubles BOS). Resolving costs ~0.6 s
 * of main-thread time: once per model.
 */
export async function modelChatWrapper(model: LlamaModel): Promise<ChatWrapper> {
    const { resolveChatWrapper } = await import("node-llama-cpp");
    const hasTemplate = typeof model.fileInfo.metadata.tokenizer?.chat_template === "string";
    return resolveChatWrapper(model, hasTemplate ? { type: "jinjaTemplate" } : {});
}

/** Prompt tokens for `messages`, ending with an empty assistant turn for the model to write. */
export function chatTokens(model: LlamaModel, wrapper: ChatWrapper, messages: ChatMessage[]): Token[] {
    const items: ChatHistoryItem[] = messages.map((m) => (m.role === "assistant" ? { type: "model", response: [m.content] } : { type: m.role, text: m.content }));
    items.push({ type: "model", response: [] });
    return wrapper.generateContextState({ chatHistory: items }).contextText.tokenize(model.tokenizer);
}

/** The same prompt as text, special tokens (BOS, template markers) written as the model reads them. */
export const chatPromptText = (model: LlamaModel, wrapper: ChatWrapper, messages: ChatMessage[]): string => model.detokenize(chatTokens(model, wrapper, messages), true);

export interface PromptRenderer {
    render(messages: ChatMessage[]): string;
    dispose(): Promise<void>;
}

/**
 * A renderer from the GGUF's vocabulary and template only (no weights, no context, no threads):
 * for engines that generate elsewhere (the managed llama-server) but must record the exact prompt.
 */
export async function openPromptRenderer(modelPath: string): Promise<PromptRenderer> {
    const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
    const llama: Llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath, vocabOnly: true });
    const wrapper = await modelChatWrapper(model);
    return {
        render: (messages) => chatPromptText(model, wrapper, messages),
        async dispose() {
            await model.dispose();
            await llama.dispose();
        }
    };
}
