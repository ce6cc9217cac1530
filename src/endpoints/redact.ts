/**
 * Keeps API keys out of everything the lab prints or writes. Every key the lab reads is registered
 * here, so any later message that happens to quote it (a server echoing the header, an SDK error)
 * comes out with "***" in its place.
 */
const known = new Set<string>();

/** Shorter strings are not treated as keys: blanking every "abc" in every message would garble them. */
const MIN_SECRET = 6;

export const REDACTED = "***";

export function registerSecret(secret: string | null | undefined): void {
    if (secret && secret.length >= MIN_SECRET) known.add(secret);
}

// Credentials that need no registration: Authorization headers, sk-style keys, key query parameters, URL userinfo.
const PATTERNS: [RegExp, string][] = [
    [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
    [/\bsk-[A-Za-z0-9_-]{12,}/g, REDACTED],
    [/([?&](?:api[_-]?key|key|token|access_token)=)[^&\s"']+/gi, `$1${REDACTED}`],
    [/(\bhttps?:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`]
];

/** `text` with every known secret (and `extra` ones) and every credential-looking pattern replaced by "***". */
export function redact(text: string, extra: Iterable<string | null | undefined> = []): string {
    let out = text;
    const secrets = new Set(known);
    for (const s of extra) if (s && s.length >= MIN_SECRET) secrets.add(s);
    // Longest first, so a key that contains another is blanked whole.
    for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
    for (const [re, to] of PATTERNS) out = out.replace(re, to);
    return out;
}

/** The message of any thrown value, redacted. */
export function redactError(err: unknown, extra: Iterable<string | null | undefined> = []): string {
    return redact(err instanceof Error ? err.message : String(err), extra);
}

/** Forgets the registered secrets (tests). */
export function clearSecrets(): void {
    known.clear();
}
