// How the endpoints screen shares the terminal's rows. Pure: the sections' heights in, what to show out.

/** Border 2, title 1 and the help bar under the box. */
export const FRAME_ROWS = 4;

export interface EndpointsLayoutInput {
    rows: number;
    /** Rows of each endpoint's entry in the list (two, or more for a wrapped failure). */
    entries: number[];
    /** Rows of the list when it has no endpoint. */
    empty: number;
    sel: number;
    /** Rows of the open roles panel, of the form (0 when closed), of the question or message below. */
    roles: number;
    form: number;
    note: number;
}

export interface EndpointsLayout {
    /** Blank rows between the sections. */
    roomy: boolean;
    /** The roles as one row (the form needs the rows). */
    rolesFolded: boolean;
    /** The entries shown: [from, to). */
    from: number;
    to: number;
}

/**
 * The entries around the selection that fit `room` rows: the selected one, then alternately the
 * ones below and above it while they fit.
 */
export function listWindow(entries: number[], sel: number, room: number): { from: number; to: number } {
    if (!entries.length) return { from: 0, to: 0 };
    const at = Math.max(0, Math.min(sel, entries.length - 1));
    let from = at;
    let to = at + 1;
    let used = entries[at]!;
    for (let grew = true; grew; ) {
        grew = false;
        if (to < entries.length && used + entries[to]! <= room) (used += entries[to++]!), (grew = true);
        if (from > 0 && used + entries[from - 1]! <= room) (used += entries[--from]!), (grew = true);
    }
    return { from, to };
}

/**
 * Roomy when everything fits with a blank row between sections; otherwise no gaps, the roles folded
 * to one row while the form is open (or when the list would keep fewer than three endpoints), and
 * the list a window around the selection.
 */
export function endpointsLayout(i: EndpointsLayoutInput): EndpointsLayout {
    const list = i.entries.length ? 1 + i.entries.reduce((a, b) => a + b, 0) : i.empty;
    const gaps = i.form ? 3 : 2;
    if (FRAME_ROWS + gaps + list + i.roles + i.form + i.note <= i.rows) return { roomy: true, rolesFolded: false, from: 0, to: i.entries.length };
    const room = (roles: number) => i.rows - FRAME_ROWS - 1 - roles - i.form - i.note;
    const open = listWindow(i.entries, i.sel, room(i.roles));
    const rolesFolded = i.form > 0 || open.to - open.from < Math.min(3, i.entries.length);
    return { roomy: false, rolesFolded, ...(rolesFolded ? listWindow(i.entries, i.sel, room(1)) : open) };
}
