// The @echogarden WASM packages ship no type declarations; these cover the parts this engine calls.

declare module '@echogarden/fvad-wasm' {
  /** The Emscripten module of libfvad. */
  export interface FvadModule {
    _fvad_new(): number;
    _fvad_free(instance: number): void;
    _fvad_reset(instance: number): void;
    _fvad_set_mode(instance: number, mode: number): number;
    _fvad_set_sample_rate(instance: number, rate: number): number;
    _fvad_process(instance: number, framePointer: number, length: number): number;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    HEAP16: Int16Array;
  }
  const init: (options?: object) => Promise<FvadModule>;
  export default init;
}

declare module '@echogarden/espeak-ng-emscripten' {
  /** One eSpeak NG synthesizer instance inside the Emscripten module. */
  export interface ESpeakNgWorker {
    set_voice(name: string): number;
    get_samplerate(): number;
    set_rate(wordsPerMinute: number): void;
    synthesize(text: string, callback: (samples: Int16Array | Float32Array | undefined, events: unknown) => number): void;
  }
  export interface ESpeakNgModule {
    eSpeakNGWorker: new () => ESpeakNgWorker;
  }
  const init: (options?: object) => Promise<ESpeakNgModule>;
  export default init;
}
