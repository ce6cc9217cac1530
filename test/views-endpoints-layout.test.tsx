// How the endpoints screen shares rows, and its list's cells (pure).
import { describe, expect, it } from "vitest";
import stringWidth from "string-width";
import { endpointsLayout, FRAME_ROWS, listWindow } from "../views/endpoints/layout.js";
import { listColumns, middle } from "../views/endpoints/listLines.js";

describe("endpoints layout", () => {
    it("shows the selected entry and grows the window below and above it while it fits", () => {
        const two = Array.from({ length: 10 }, () => 2);
        expect(listWindow(two, 0, 7)).toEqual({ from: 0, to: 3 });
        expect(listWindow(two, 9, 7)).toEqual({ from: 7, to: 10 });
        expect(listWindow(two, 5, 6)).toEqual({ from: 4, to: 7 });
        // A tall entry (a wrapped failure) still shows when it is the selected one.
        expect(listWindow([2, 4, 2], 1, 3)).toEqual({ from: 1, to: 2 });
        expect(listWindow([], 0, 5)).toEqual({ from: 0, to: 0 });
    });

    it("is roomy when all fits, else folds the roles while the form is open and windows the list", () => {
        expect(endpointsLayout({ rows: 40, entries: [2, 2], empty: 1, sel: 0, roles: 5, form: 0, note: 1 })).toEqual({ roomy: true, rolesFolded: false, from: 0, to: 2 });
        const entries = Array.from({ length: 12 }, () => 2);
        const list = endpointsLayout({ rows: 24, entries, empty: 1, sel: 11, roles: 5, form: 0, note: 0 });
        expect(list).toMatchObject({ roomy: false, rolesFolded: false, to: 12 });
        expect(FRAME_ROWS + 1 + 2 * (list.to - list.from) + 5).toBeLessThanOrEqual(24);
        const form = endpointsLayout({ rows: 24, entries, empty: 1, sel: 3, roles: 5, form: 9, note: 2 });
        expect(form.rolesFolded).toBe(true);
        expect(form.from).toBeLessThanOrEqual(3);
        expect(form.to).toBeGreaterThan(3);
        expect(FRAME_ROWS + 1 + 2 * (form.to - form.from) + 1 + 9 + 2).toBeLessThanOrEqual(24);
    });

    it("fits the list's columns to the width and cuts long cells in the middle", () => {
        const at96 = listColumns(96);
        expect(at96).toEqual({ name: 14, url: 34, model: 19, conc: 5, key: 22 });
        const at76 = listColumns(76);
        expect(2 + at76.name + at76.url + at76.model + at76.conc + at76.key).toBe(76);
        expect(at76.key).toBeGreaterThanOrEqual(14);
        expect(middle("http://a-very-long-host.example:8080/v1", 20)).toBe("http://a-v…e:8080/v1");
        expect(stringWidth(middle("http://a-very-long-host.example:8080/v1", 20))).toBe(20);
        expect(middle("short", 20)).toBe("short");
    });
});
