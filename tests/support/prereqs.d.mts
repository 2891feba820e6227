// Types of prereqs.mjs, for the TypeScript suites that read it.
export interface Prerequisite {
  readonly name: string;
  find(): string | undefined;
  readonly debian: readonly string[];
  readonly install: string;
}
export declare function onPath(name: string): string | undefined;
export declare function findChromium(): string | undefined;
export declare const PREREQUISITES: readonly Prerequisite[];
export declare function prerequisite(name: string): Prerequisite;
export declare function missingPrerequisites(names: readonly string[]): Prerequisite[];
export declare function canAptInstall(): boolean;
export declare function aptInstall(entries: readonly Prerequisite[]): boolean;
