declare const __SDK_VERSION__: string | undefined;

/** This package's version (set at build time from package.json). */
export const VERSION: string = typeof __SDK_VERSION__ === 'string' ? __SDK_VERSION__ : '0.0.0-dev';
