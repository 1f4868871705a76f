/**
 * A module name or pattern as the configuration accepts it: dotted segments that are names
 * without dots, `*` or whitespace, or a lone `*` (`payments`, `auth.*`, `*.webhooks`).
 */
export const MODULE_PATTERN_SYNTAX = /^(\*|[^.*\s]+)(\.(\*|[^.*\s]+))*$/;
