/** Small zod pieces the configuration's schemas share: numbers, secrets, origins and URLs. */
import { z } from 'zod';

export const positiveInt = () => z.number().int().positive();
/** An optional secret: an empty value (an unset `${VAR}`) counts as absent. */
export const optionalSecret = () =>
  z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value));
export const nonNegative = () => z.number().nonnegative();

/** An http(s) origin: scheme, host and optional port, nothing else. */
export const originSchema = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  },
  { message: 'must be an origin such as https://docs.example.com (scheme, host, optional port; no path or trailing slash)' },
);

export const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  },
  { message: 'must be an http(s) URL' },
);
