/**
 * Types of the AudioWorkletGlobalScope, which TypeScript's DOM library does not describe.
 * Types only; the processors read the real globals at run time.
 */

/** The base class every processor extends. */
export interface AudioWorkletProcessorBase {
  readonly port: MessagePort;
}

/** Constructor type of `AudioWorkletProcessor`. */
export type AudioWorkletProcessorClass = new () => AudioWorkletProcessorBase;

/** Signature of `registerProcessor`. */
export type RegisterProcessor = (name: string, processor: new () => AudioWorkletProcessorBase) => void;
