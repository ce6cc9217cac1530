// Ids are unique within a scope (a task or BIG-bench subtask); BIG-bench numbers the examples of
// every subtask from 0, so the same id legitimately recurs across subtasks of one file.

/**
 * When some id is used in more than one scope, prefixes every id with its scope ("<scope>/<id>")
 * so all stay unique and the scheme is the same for every item of the set. Returns whether it did.
 */
export function namespaceIds<T extends { id: string }>(items: T[], scopeOf: (item: T, index: number) => string): boolean {
    const first = new Map<string, string>();
    let clash = false;
    items.forEach((it, i) => {
        const s = scopeOf(it, i);
        const seen = first.get(it.id);
        if (seen === undefined) first.set(it.id, s);
        else if (seen !== s) clash = true;
    });
    if (clash) {
        const scopes = items.map((it, i) => scopeOf(it, i));
        items.forEach((it, i) => (it.id = `${scopes[i]}/${it.id}`));
    }
    return clash;
}
