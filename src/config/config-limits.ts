/*
 * Bounds on a config file, checked before (or, for nesting and tokens, while) it is parsed, so the
 * worst file accepted costs a bounded parse (0.1 to 0.25 s of CPU on a busy 2-core machine, see
 * bench/config-parse-figures.ts) and a hostile one is refused for no more.
 * A real config has a few hundred keys and a handful of levels; each limit is far above that.
 */

/** Largest config file read, in bytes (1 MiB); a larger one is a LogweaveConfigError. */
export const MAX_CONFIG_BYTES = 1_048_576;

/**
 * Most tokens a config file may hold (50,000): YAML tokens as the `yaml` lexer splits them (keys,
 * values, `:`, `-`, `?`, `,`, brackets, anchors, tags, comments and line ends; spaces do not count)
 * or JSON tokens (strings, numbers, literals, punctuation). A `key: value` line is four, so this is
 * about 12,000 keys. The parser's work grows with tokens, not bytes (1 MiB of blank lines is a
 * million tokens and took seconds), so this bounds the cost where the byte limit cannot.
 */
export const MAX_CONFIG_TOKENS = 50_000;

/**
 * Deepest nesting of mappings and sequences (64), however it is written: by indentation,
 * `- ` / `? ` on one line, or `[` / `{`. The YAML parser's time, memory and recursion grow with
 * nesting (1 MiB of `- - - …` took 2.5 s and 490 MiB before failing).
 */
export const MAX_CONFIG_NESTING = 64;

/**
 * Most aliases (`*name`) in a YAML config file (100). The parser finds each alias's anchor by
 * scanning every anchor and alias before it, so thousands of aliases cost seconds; expanding them is
 * bounded separately (`maxAliasCount`, the same 100, no "billion laughs").
 */
export const MAX_CONFIG_ALIASES = 100;
