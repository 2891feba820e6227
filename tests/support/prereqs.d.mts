// Types of prereqs.mjs, for the TypeScript suites that read it.
export interface Prerequisite {
  readonly name: string;
  find(): string | undefined;
  readonly install: string;
  /** Debian packages that provide it (apt-get, as root). */
  readonly debian?: readonly string[];
  /** Fetches it without root (e.g. from npm). */
  provide?(): void;
}
export declare const NODE_MAJORS: readonly number[];
export declare function nodeBinDir(major: number): string;
export declare function onPath(name: string): string | undefined;
export declare function findChromium(): string | undefined;
export declare function playwrightChromiums(cache?: string): string[];
export declare const PREREQUISITES: readonly Prerequisite[];
export declare function prerequisite(name: string): Prerequisite;
export declare function missingPrerequisites(names: readonly string[]): Prerequisite[];
export declare function canAptInstall(): boolean;
export declare function aptInstall(entries: readonly Prerequisite[]): boolean;
