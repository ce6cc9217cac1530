/** Semantic colour tokens: components name a meaning, not a colour, so the palette can change in one place. */
export const theme = {
    accent: "cyan",
    ok: "green",
    bad: "red",
    muted: "gray",
    warn: "yellow"
} as const;

export type Tone = keyof typeof theme;
