/*
 * A compile-time check, erased at build time (types only): `LoggingOptions`, which users write
 * against, and the options schema, which validates what they pass at run time, must describe the
 * same options. `npm run typecheck` fails here, naming the first differing paths, when either one
 * gains, loses or retypes an option without the other.
 */
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { z } from 'zod';
import type { LoggingOptions } from './logging-options.ts';
import type { optionsSchema } from './options-schema.ts';

/** Options that only code can pass, checked in `resolve-options.ts` instead of the schema. */
type CodeOnlyKey = 'meterProvider' | 'diagnosticWriter' | 'env' | 'config';

/** `LoggingOptions` as data: without code-only options, and naming an exporter rather than passing one. */
type DataOptions = Omit<LoggingOptions, CodeOnlyKey | 'exporter'> & {
  exporter?: Exclude<LoggingOptions['exporter'], LogRecordExporter>;
};

/** Whether A and B are the same type (modifiers included), not merely assignable to each other. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

type PlainObject<T> = T extends readonly unknown[] | ((...args: never[]) => unknown)
  ? never
  : T extends object
    ? T
    : never;

/** The dotted paths at which A and B differ; plain objects are compared key by key. */
type Differences<A, B, Path extends string> =
  Same<A, B> extends true
    ? never
    : [PlainObject<NonNullable<A>>, PlainObject<NonNullable<B>>] extends [
          infer X extends object,
          infer Y extends object,
        ]
      ? [X] extends [never]
        ? Path
        : [Y] extends [never]
          ? Path
          : Same<A | undefined, B | undefined> extends true
            ? never
            : KeyDifferences<X, Y, Path>
      : Path;

type KeyDifferences<A extends object, B extends object, Path extends string> = {
  [K in keyof A | keyof B]: K extends string
    ? K extends keyof A
      ? K extends keyof B
        ? Differences<A[K], B[K], Path extends '' ? K : `${Path}.${K}`>
        : `${Path extends '' ? '' : `${Path}.`}${K} (only in LoggingOptions)`
      : `${Path extends '' ? '' : `${Path}.`}${K} (only in the schema)`
    : never;
}[keyof A | keyof B];

/** Compiles only when there is no difference: the error names the paths that differ. */
type NoDifferences<T extends never> = T;

export type LoggingOptionsMatchSchema = NoDifferences<
  KeyDifferences<Required<DataOptions>, Required<z.input<typeof optionsSchema>>, ''>
>;
