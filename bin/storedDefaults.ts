// The "default: the stored setting" values for `--help`: config.json read as plain JSON, not through
// conf, so `--help` never creates the config folder, rewrites the file or fails on a broken one.
import { existsSync, readFileSync } from "node:fs";
import { DEFAULT_SETTINGS, validateSetting, type Settings, type SettingsStore } from "../src/settings.js";

/** The settings in effect now (defaults for missing or invalid fields), and what could not be read. */
export function storedSettingsNow(store: Pick<SettingsStore, "path">): { settings: Settings; note: string | null } {
    const settings = { ...DEFAULT_SETTINGS };
    if (!existsSync(store.path)) return { settings, note: null };
    let stored: Record<string, unknown>;
    try {
        stored = JSON.parse(readFileSync(store.path, "utf8").replace(/^\ufeff/, "")) as Record<string, unknown>;
    } catch {
        return { settings, note: `${store.path} cannot be read: see reflect-lab config show` };
    }
    const invalid: string[] = [];
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
        const v = stored?.[key];
        if (v === undefined) continue;
        if (validateSetting(key, v as never) === null) (settings as Record<string, unknown>)[key] = v;
        else invalid.push(key);
    }
    return { settings, note: invalid.length ? `invalid in the file (see reflect-lab config show): ${invalid.join(", ")}` : null };
}

/** `Stored settings now (…):` and `maxTurns 2 · temperature 0.8 · …` in lines under 80 columns, for addHelpText("after"). */
export function storedDefaultsHelp(store: Pick<SettingsStore, "path">, keys: (keyof Settings)[]): string {
    const { settings, note } = storedSettingsNow(store);
    const lines: string[] = [];
    for (const k of keys) {
        const v = `${k} ${settings[k] === null ? "none" : String(settings[k])}`;
        const last = lines.length - 1;
        if (last >= 0 && lines[last]!.length + 3 + v.length <= 76) lines[last] += ` · ${v}`;
        else lines.push(v);
    }
    return ["Stored settings now (reflect-lab config set <key> <value> changes them):", ...lines.map((l) => `  ${l}`), ...(note ? [`  ${note}`] : [])].join("\n");
}
