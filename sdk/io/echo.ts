/** How many characters of a user's value an error or warning line repeats. */
export const ECHO_LIMIT = 80;

/**
 * A user's text as error and warning lines repeat it: the first
 * {@link ECHO_LIMIT} characters, then `…(N more)`, so a 200,000-character
 * value, key, name or file name never makes a 200,000-character line.
 */
export function echoText(text: string, limit = ECHO_LIMIT): string {
  if (text.length <= limit) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[limit - 1]) ? limit - 1 : limit; // never split a surrogate pair
  return `${text.slice(0, cut)}…(${text.length - cut} more)`;
}
