// Text charts: a braille line chart (2×4 dots per cell) for loss curves, and a one-line sparkline.

export interface ChartSeries {
    points: [x: number, y: number][];
}

/** One run of characters drawn by the same series (index), or by none (-1). */
export interface ChartSegment {
    text: string;
    series: number;
}

export interface Chart {
    rows: ChartSegment[][];
    yMin: number;
    yMax: number;
    xMin: number;
    xMax: number;
}

// Braille dot bits by [row][column] inside a cell.
const DOTS = [
    [0x01, 0x08],
    [0x02, 0x10],
    [0x04, 0x20],
    [0x40, 0x80]
];

/**
 * Draws every series as connected lines on a shared scale, `width` × `height` cells. A cell takes the
 * colour of the last series that drew in it (later series are drawn over earlier ones).
 */
export function brailleChart(series: ChartSeries[], width: number, height: number): Chart {
    const all = series.flatMap((s) => s.points);
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]);
    let [xMin, xMax, yMin, yMax] = all.length ? [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)] : [0, 1, 0, 1];
    if (xMax === xMin) xMax = xMin + 1;
    if (yMax === yMin) {
        yMax += 0.5;
        yMin -= 0.5;
    }
    const W = width * 2;
    const H = height * 4;
    const bits = Array.from({ length: height }, () => new Array<number>(width).fill(0));
    const owner = Array.from({ length: height }, () => new Array<number>(width).fill(-1));
    const px = (x: number) => Math.round(((x - xMin) / (xMax - xMin)) * (W - 1));
    const py = (y: number) => Math.round(((yMax - y) / (yMax - yMin)) * (H - 1));
    const dot = (x: number, y: number, s: number) => {
        const cx = x >> 1;
        const cy = y >> 2;
        if (cx < 0 || cy < 0 || cx >= width || cy >= height) return;
        bits[cy]![cx]! |= DOTS[y & 3]![x & 1]!;
        owner[cy]![cx] = s;
    };
    series.forEach((s, si) => {
        let prev: [number, number] | null = null;
        for (const [x, y] of s.points) {
            const cur: [number, number] = [px(x), py(y)];
            if (!prev) dot(cur[0], cur[1], si);
            else {
                // Bresenham between consecutive points, so sparse logs still read as a line.
                let [x0, y0] = prev;
                const [x1, y1] = cur;
                const dx = Math.abs(x1 - x0);
                const dy = -Math.abs(y1 - y0);
                const sx = x0 < x1 ? 1 : -1;
                const sy = y0 < y1 ? 1 : -1;
                let err = dx + dy;
                for (;;) {
                    dot(x0, y0, si);
                    if (x0 === x1 && y0 === y1) break;
                    const e2 = 2 * err;
                    if (e2 >= dy) {
                        err += dy;
                        x0 += sx;
                    }
                    if (e2 <= dx) {
                        err += dx;
                        y0 += sy;
                    }
                }
            }
            prev = cur;
        }
    });
    const rows = bits.map((row, r) => {
        const segs: ChartSegment[] = [];
        row.forEach((b, c) => {
            const ch = b ? String.fromCharCode(0x2800 + b) : " ";
            const s = b ? owner[r]![c]! : -1;
            const lastSeg = segs[segs.length - 1];
            if (lastSeg && lastSeg.series === s) lastSeg.text += ch;
            else segs.push({ text: ch, series: s });
        });
        return segs;
    });
    return { rows, yMin, yMax, xMin, xMax };
}

const BARS = "▁▂▃▄▅▆▇█";

/** The values resampled to `width` characters (the last value of each bucket). */
export function sparkline(values: number[], width = 12): string {
    if (!values.length) return "";
    const n = Math.min(width, values.length);
    const picked = Array.from({ length: n }, (_, i) => values[Math.min(values.length - 1, Math.floor(((i + 1) * values.length) / n) - 1)]!);
    const lo = Math.min(...picked);
    const hi = Math.max(...picked);
    return picked.map((v) => BARS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))]).join("");
}
