// The compare screen's store: the reducer's state in a vanilla store, changed only through its actions.
import { createStore, type StoreApi } from "zustand/vanilla";
import type { BatchRunInfo } from "../../src/batch/runs.js";
import { compareReducer, initialCompareState, type CompareAction, type CompareState } from "./compareState.js";

export type CompareStore = StoreApi<CompareState>;

export const createCompareStore = (runs: BatchRunInfo[]): CompareStore => createStore<CompareState>(() => initialCompareState(runs));

export const dispatchCompare = (store: CompareStore, a: CompareAction): void => store.setState((s) => compareReducer(s, a), true);
