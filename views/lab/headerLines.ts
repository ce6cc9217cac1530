// The lab's header rows: the model and hardware in effect, the run settings in effect, and every
// saved change not yet in effect with the one pending marker.
import type { BackendInfo } from "../../src/backend/types.js";
import type { Settings } from "../../src/settings.js";
import { ellipsize, lineWidth, type Line, type Seg } from "../lines.js";
import { pendingChanges, pendingMark } from "../settingsModel.js";
import { theme } from "../theme.js";

const COMPUTE: Record<string, string> = { cpu: "CPU", cuda: "CUDA", vulkan: "Vulkan", metal: "Metal" };

export interface HeaderInput {
    backend: BackendInfo | null;
    effective: Settings;
    saved: Settings;
    tokensPerSecond: number | null;
    /** codeIsolation().kind: which isolation code answers get, always on screen. */
    code: string;
    contention: string | null;
    width: number;
}

const SEP: Seg = { text: " · ", dim: true };

/** Settings shown with their own name on the settings row (the rest appear there only when a change is pending). */
const SHOWN: [keyof Settings, string][] = [
    ["verifier", "verifier"],
    ["maxTurns", "maxTurns"],
    ["seed", "seed"],
    ["temperature", "temp"],
    ["maxTokens", "maxTokens"]
];

/** Items packed into rows, whole: an item moves to the next row rather than break (one wider than a row is cut). */
export function packItems(items: Seg[][], width: number): Line[] {
    const rows: Line[] = [];
    let row: Line = [];
    for (const it of items) {
        const w = lineWidth(it);
        if (row.length && lineWidth(row) + lineWidth([SEP]) + w <= width) row.push(SEP, ...it);
        else {
            if (row.length) rows.push(row);
            row = ellipsize([...it], width);
        }
    }
    if (row.length) rows.push(row);
    return rows;
}

/**
 * The model and hardware, then the run settings (each saved change not yet in effect with its
 * marker), packed item by item into as few rows as the width allows.
 */
export function headerLines(h: HeaderInput): Line[] {
    const b = h.backend;
    const items: Seg[][] = [];
    const name: Seg = { text: "reflect-lab", bold: true, color: theme.accent };
    items.push(b ? [name, { text: ` ${b.modelFile}` }] : [name]);
    if (b) {
        // A remote server: its hardware is unknown here; the note names the endpoint.
        if (b.kind === "openai") items.push([{ text: "remote" }]);
        else items.push([{ text: COMPUTE[b.compute] ?? b.compute }], [{ text: `gpu ${b.gpuLayers}/${b.totalLayers} layers` }], [{ text: `ctx ${b.contextSize}` }]);
        items.push([{ text: h.tokensPerSecond === null ? "– tok/s" : `${h.tokensPerSecond.toFixed(1)} tok/s` }]);
    }
    const pending = new Map(pendingChanges(h.effective, h.saved).map((p) => [p.key, p]));
    const settings: Seg[][] = [];
    const item = (label: string, value: string, key: keyof Settings) => {
        const p = pending.get(key);
        settings.push([{ text: `${label} `, dim: true }, p ? { text: pendingMark(p), color: theme.warn } : { text: value, color: key === "verifier" ? theme.warn : undefined }]);
    };
    for (const [key, label] of SHOWN) item(label, String(h.effective[key]), key);
    for (const [key, p] of pending) if (!SHOWN.some(([k]) => k === key)) item(key, p.from, key);
    settings.push([{ text: "code ", dim: true }, { text: h.code === "bubblewrap" ? "sandboxed" : h.code === "unsafe" ? "UNSANDBOXED" : "not run (no sandbox)", color: h.code === "bubblewrap" ? undefined : theme.warn }]);
    if (b?.note) settings.push([{ text: b.note, dim: true }]);
    // One flow: on a wide terminal all of it is one row, at 80 columns two or three.
    const out = packItems([...items, ...settings], h.width);
    if (h.contention) out.push(ellipsize([{ text: `⚠ ${h.contention}`, color: theme.warn }], h.width));
    return out;
}
