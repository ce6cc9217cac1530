// The training screen's store: the reducer's state in a vanilla store, so the controller (launcher events)
// and the key hook change it through the same actions.
import { createStore, type StoreApi } from "zustand/vanilla";
import type { TrainingRunListing } from "../../src/training/runs.js";
import type { FieldKey, TrainingFormValues } from "./formModel.js";
import { initialTrainingState, trainingReducer, type TrainingAction, type TrainingViewState } from "./trainingState.js";

export type TrainingViewStore = StoreApi<TrainingViewState>;

export function createTrainingStore(values: TrainingFormValues, runs: TrainingRunListing[], edited: FieldKey[] = []): TrainingViewStore {
    return createStore<TrainingViewState>(() => initialTrainingState(values, runs, edited));
}

export const dispatchTraining = (store: TrainingViewStore, a: TrainingAction): void => store.setState((s) => trainingReducer(s, a), true);
