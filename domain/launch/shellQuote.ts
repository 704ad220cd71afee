/**
 * Quotes `value` as one bash word that expands to exactly `value`. Inside single quotes bash
 * interprets nothing (no `$`, backquote, backslash, history or newline handling), so the only
 * character to deal with is the single quote itself, written as `'\''` (close, escaped quote,
 * reopen). NUL cannot be held by a shell variable at all: callers refuse it first
 * (see {@link hasNul}).
 *
 * @example
 * shellQuote("it's $HOME") // 'it'\''s $HOME'
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function hasNul(value: string): boolean {
  return value.includes('\u0000');
}

/**
 * The inverse of {@link shellQuote} for one word at `start` in `text`: a run of single-quoted
 * segments joined by `\'`. Returns the value and the index after the word, or undefined when
 * the text there is not such a word.
 */
export function readQuotedWord(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  let i = start;
  let words = 0;
  for (;;) {
    if (text[i] === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return undefined;
      value += text.slice(i + 1, close);
      i = close + 1;
      words += 1;
    } else if (text[i] === '\\' && text[i + 1] === "'") {
      value += "'";
      i += 2;
      words += 1;
    } else {
      return words === 0 ? undefined : { value, end: i };
    }
  }
}
