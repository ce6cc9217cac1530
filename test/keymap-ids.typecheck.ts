// Checked by `tsc --noEmit` (the first half of `npm test`), never run: vitest only runs *.test.ts(x).
// Every @ts-expect-error below must meet an error, so if KeyId ever widened back to `string` or a
// template like `curate.${string}`, the unused directives would fail the type check.
import type { Key } from "ink";
import { matchKey, type KeyId } from "../views/keymap.js";
import type { TeachKeyId } from "../views/teach/keys.js";

export const known: KeyId[] = ["next", "reroll", "batchStop", "curate.export", "train.resume", "compare.reference", "endpoints.formSave", "help.end", "quit"];

// @ts-expect-error a misspelt id is not a KeyId
export const misspelt: KeyId = "rerol";

// @ts-expect-error a made-up id under a screen's prefix is not one either
export const madeUp: KeyId = "curate.exportAll";

// @ts-expect-error the presenter's ids are checked the same way
export const teachTypo: TeachKeyId = "galery";

export function dispatch(id: KeyId): number {
    switch (id) {
        case "next":
            return 1;
        // @ts-expect-error a misspelt case is not comparable to KeyId
        case "nxet":
            return 2;
        default:
            return 0;
    }
}

export function pressed(input: string, key: Key): boolean {
    // @ts-expect-error comparing a matched id with a misspelt one has no overlap
    return matchKey("lab", input, key)?.id === "prevQuestoin";
}
