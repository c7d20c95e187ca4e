/** Flags for a quiet, offline, reproducible headless Chromium. */
export declare const CHROMIUM_ARGS: readonly string[];
/** Returns the Chromium executable path, installing Debian's `chromium` package first if needed (root only). */
export declare function ensureChromium(): string;
