/**
 * The first row of a window of `size` rows out of `n` that keeps `sel` in view, centred when it can
 * (the lists and forms that scroll with their cursor).
 */
export function windowStart(sel: number, n: number, size: number): number {
    return Math.max(0, Math.min(sel - Math.floor(size / 2), n - size));
}
