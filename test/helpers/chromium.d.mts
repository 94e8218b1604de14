/** The Chromium executable (CHROME_PATH, or /usr/bin/chromium). */
export declare const CHROMIUM_PATH: string;
/** The one list of Chromium launch flags (see chromium.mjs). */
export declare const CHROMIUM_ARGS: readonly string[];
