import { useInput, type Key } from "ink";
import { useEffect, useRef } from "react";

/** What a screen does itself for each of its command intents (I/O, leaving); the rest go to its reducer. */
export type IntentCommands<I extends { type: string }, C extends I["type"]> = { [T in C]: (intent: Extract<I, { type: T }>) => void };

/**
 * Wires a screen's pure key mapping to Ink: each key press becomes an intent (null: the key does
 * nothing here); a command intent runs its handler, any other is a reducer action for `dispatch`.
 * All are read through a ref, so a key that arrives before Ink re-subscribes the handler still
 * reaches the latest props.
 */
export function useKeyIntents<I extends { type: string }, C extends I["type"]>(intentOf: (input: string, key: Key) => I | null, commands: IntentCommands<I, C>, dispatch: (action: Exclude<I, { type: C }>) => void): void {
    const latest = useRef({ intentOf, commands, dispatch });
    useEffect(() => {
        latest.current = { intentOf, commands, dispatch };
    });
    useInput((input, key) => {
        const { intentOf, commands, dispatch } = latest.current;
        const intent = intentOf(input, key);
        if (intent === null) return;
        // The table holds the handler of this very type, so it takes this intent.
        const command = (commands as unknown as Partial<Record<string, (i: I) => void>>)[intent.type];
        if (command) command(intent);
        else dispatch(intent as Exclude<I, { type: C }>);
    });
}
