// Types of webkit-driver.mjs, for the TypeScript suites that read it.
/** Starts WebKitWebDriver on a free loopback port; resolves with the port once it is ready. */
export declare function startWebKitDriver(binary?: string): Promise<number>;
/** Stops every driver this process started. */
export declare function stopWebKitDrivers(): void;
/** The MiniBrowser capabilities that work under WebKitWebDriver, with `extraArgs` for the browser. */
export declare function webkitCapabilities(extraArgs?: string[]): Record<string, unknown>;
