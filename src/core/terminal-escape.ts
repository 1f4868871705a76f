/* CR, LF, U+2028/2029 and every C0/C1 control (ANSI escapes start with ESC) are escaped so a
 * message cannot forge a second line or recolour the terminal. Bidi controls and zero-width
 * characters are escaped too, so a message cannot reorder or hide what a reader sees. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * `text` safe to print on a terminal: `\n`, `\r`, `\t` and every character above as a visible
 * escape (`\u001b`). Used by the console sink and the CLI, so both show hostile text the same way.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
