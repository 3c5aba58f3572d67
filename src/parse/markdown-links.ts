// A traceback pasted into a GitHub issue or comment can come back with Markdown links in it: text copied from a
// page or chat that had linkified a name (`example.com/app`, `main.go`, a method that looks like a domain) is
// pasted as `[text](https://text)`, and GitHub keeps that Markdown in the source. Only the visible text
// was printed by Go; the link target is the paster's tool's guess.

/** `[text](http://...)`, `[text](https://...)`, `[text](mailto:...)`: the text holds no `]`, the target no space. */
const MARKDOWN_LINK = /\[([^\]\n]*)\]\((?:https?:\/\/|mailto:)[^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)/g;

/** `text` with every Markdown link replaced by its visible text; the same string when it holds none. */
export function unlinkMarkdown(text: string): string {
  if (text.indexOf('](') === -1) return text;
  return text.replace(MARKDOWN_LINK, '$1');
}
