// A tiny HTTP proxy in front of a real server that injects faults: answers with a status (429 with
// Retry-After, 500, ...) or holds requests longer than a client's timeout, then forwards normally.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type Fault = { status: number; retryAfter?: string; body?: string } | { delayMs: number };

export interface FaultProxy {
    baseURL: string;
    /** Faults applied to the next requests, one each, in order. */
    inject(...faults: Fault[]): void;
    /** Requests seen (chat completions and others) and how many got a fault. */
    readonly seen: { path: string; fault: string | null; at: number }[];
    /** Most chat-completion requests that were in flight at once. */
    readonly maxInFlight: number;
    close(): Promise<void>;
}

export async function startFaultProxy(target: { port: number }): Promise<FaultProxy> {
    const queue: Fault[] = [];
    const seen: FaultProxy["seen"] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const forward = (req: IncomingMessage, res: ServerResponse) => {
        const up = request({ host: "127.0.0.1", port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
        });
        up.on("error", () => {
            if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
            res.end(JSON.stringify({ error: { message: "upstream unreachable" } }));
        });
        req.pipe(up);
    };
    const server: Server = createServer((req, res) => {
        const chat = req.url?.includes("/chat/completions") ?? false;
        if (chat) {
            maxInFlight = Math.max(maxInFlight, ++inFlight);
            res.on("close", () => inFlight--);
        }
        const fault = chat ? queue.shift() : undefined;
        seen.push({ path: req.url ?? "", fault: fault ? JSON.stringify(fault) : null, at: Date.now() });
        if (!fault) return forward(req, res);
        if ("delayMs" in fault) {
            const t = setTimeout(() => forward(req, res), fault.delayMs);
            res.on("close", () => clearTimeout(t));
            return;
        }
        req.resume();
        res.writeHead(fault.status, { "content-type": "application/json", ...(fault.retryAfter ? { "retry-after": fault.retryAfter } : {}) });
        res.end(fault.body ?? JSON.stringify({ error: { message: `injected ${fault.status}`, type: "injected" } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    return {
        baseURL: `http://127.0.0.1:${port}/v1`,
        inject: (...f) => queue.push(...f),
        seen,
        get maxInFlight() {
            return maxInFlight;
        },
        close: () => new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
        })
    };
}
