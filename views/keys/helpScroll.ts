import type { IdOf } from "./types.js";
import type { HELP_KEYS } from "./help.js";

export type HelpScrollId = IdOf<typeof HELP_KEYS>;

/** The largest first line that still fills the viewport. */
export function maxOffset(total: number, viewport: number): number {
    return Math.max(0, total - viewport);
}

/**
 * The help overlay's scroll position after a key: a pure reducer over the first shown line. A page
 * keeps one line of the previous page in view so the reader does not lose the place.
 */
export function scrollHelp(offset: number, id: HelpScrollId, total: number, viewport: number): number {
    const page = Math.max(1, viewport - 1);
    const next =
        id === "help.up" ? offset - 1
        : id === "help.down" ? offset + 1
        : id === "help.pageUp" ? offset - page
        : id === "help.pageDown" ? offset + page
        : id === "help.home" ? 0
        : maxOffset(total, viewport);
    return Math.min(Math.max(0, next), maxOffset(total, viewport));
}
