// A duration as the dashboards and progress lines print it; a leaf module so any part can use it.
export function formatDuration(seconds: number): string {
    if (!Number.isFinite(seconds)) return "?";
    const s = Math.round(seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}h${String(m).padStart(2, "0")}m` : m ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
