import { createContext, useContext } from "react";
import { useStore } from "zustand";
import type { LabController } from "./controller.js";
import type { UiState, UiStore } from "./store.js";

export interface LabContextValue {
    store: UiStore;
    controller: LabController;
}

export const LabContext = createContext<LabContextValue | null>(null);

export function useLab(): LabContextValue {
    const v = useContext(LabContext);
    if (!v) throw new Error("views: component rendered outside <LabContext.Provider>");
    return v;
}

/** Selects one slice of UI state; select primitives or stable references (zustand v5 compares with Object.is). */
export function useUi<T>(selector: (s: UiState) => T): T {
    return useStore(useLab().store, selector);
}
