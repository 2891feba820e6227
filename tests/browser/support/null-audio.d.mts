// Types of null-audio.mjs, for the TypeScript suites that read it.
/** Starts a PulseAudio null sink; resolves with its `PULSE_SERVER` address. */
export declare function startNullAudio(): Promise<string>;
/** Stops every null sink this process started. */
export declare function stopNullAudio(): void;
