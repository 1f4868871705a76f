/** Type-test helpers, in the spirit of tsd: every check is done by the compiler, nothing runs. */

/** Whether A and B are the same type (not merely assignable to each other). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Whether T is `any`. */
export type IsAny<T> = 0 extends 1 & T ? true : false;

/** Compiles only when T is `true`. */
export type Expect<T extends true> = T;

/** Compiles only when `value` has a type assignable to T: `expectAssignable<RequestHandler>(handler)`. */
export function expectAssignable<T>(value: T): T {
  return value;
}

/**
 * The members of T that are `any`, or whose parameters or return value are: `never` when T's
 * surface has no `any`.
 */
export type AnyMembers<T> = {
  [K in keyof T]-?: IsAny<T[K]> extends true
    ? K
    : T[K] extends (...args: infer A) => infer R
      ? true extends IsAny<R> | { [I in keyof A]: IsAny<A[I]> }[number]
        ? K
        : never
      : never;
}[keyof T];
