/**
 * `@azure/ai-voicelive`'s models are camelCase and serialised to the wire's snake_case by the
 * SDK (`prefixPaddingInMs` → `prefix_padding_ms`). `Wire<T>` is the same renaming at type
 * level, so the gateway's Voice Live frames are checked against the SDK's models, types only.
 */

type Letter<C extends string> = C extends Lowercase<C> ? C : `_${Lowercase<C>}`;
type Snake<S extends string> = S extends `${infer C}${infer Rest}` ? `${Letter<C>}${Snake<Rest>}` : S;

/** A model's property name as the SDK's serialisers write it (the only irregular names are the `…InMs` ones). */
export type WireKey<K extends string> = K extends 'durationInMs'
  ? 'duration_milliseconds'
  : K extends 'offsetInMs'
    ? 'offset_milliseconds'
    : K extends `${infer Head}InMs`
      ? `${Snake<Head>}_ms`
      : Snake<K>;

/** A model type with every property name as it goes over the wire. */
export type Wire<T> = 0 extends 1 & T
  ? T
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T as K extends string ? WireKey<K> : K]: Wire<T[K]> }
      : T;
