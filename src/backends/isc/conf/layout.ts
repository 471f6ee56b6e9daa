// Where edited nodes go and how they look. New statements take the indentation of their siblings
// (or their parent's plus the file's indent unit), the file's line ending, and blank-line
// separation from the statement they are inserted before; comments always stay. Inserting then
// removing the same statement gives back the original text.
import type { Branch, ConfFile, Container, Statement, Token } from "./cst";
import { bodiesOf } from "./cst";
import { punct } from "./quoting";

export interface Style {
  eol: "\n" | "\r\n";
  /** One level of indentation: what nested lines add to their parent's indentation. */
  unit: string;
}

/** A position for new statements: a body, the statement owning it (null for a file), its file. */
export interface Place {
  container: Container;
  owner: Statement | null;
  file: ConfFile;
}

/** A statement still to be laid out: a `head;` statement, or a `head { … }` block when body is set. */
export interface Draft {
  head: Token[];
  body?: Draft[];
}

const DEFAULT_UNIT = "  ";

export function styleOf(file: ConfFile): Style {
  return { eol: file.eol, unit: inferUnit(file) ?? DEFAULT_UNIT };
}

/** The indentation of the line a statement starts on. */
export function indentOf(statement: Statement): string {
  return lastLine(statement.leading);
}

/** The indentation for statements placed directly in the container. */
export function childIndent(place: Place, style: Style): string {
  const { container, owner } = place;
  const onOwnLine = container.body.find((_, i) => startsLine(container, i));
  if (onOwnLine) return lastLine(onOwnLine.leading);
  if (isFile(container)) return "";
  if (closeStartsLine(container)) return nested(lastLine(container.close.pre), style.unit);
  return nested(owner ? indentOf(owner) : "", style.unit);
}

/** One level deeper than `indent`, in the characters `indent` itself uses when it is not made of `unit`. */
function nested(indent: string, unit: string): string {
  if (indent === "" || indent.split(unit).every((part) => part === "")) return indent + unit;
  return indent + (/^\t+$/.test(indent) ? "\t" : indent);
}

/** Lays a draft out at `indent`; its own leading and trail are left for insertAt/replaceAt. */
export function materialize(draft: Draft, file: string, indent: string, style: Style): Statement {
  const head = draft.head.map((token, i) => ({ ...token, pre: i === 0 ? "" : token.pre }));
  if (draft.body === undefined) {
    return { type: "simple", file, leading: "", tokens: head, semi: punct(";"), trail: "" };
  }
  const inner = indent + style.unit;
  const body = draft.body.map((child) => {
    const statement = materialize(child, file, inner, style);
    statement.leading = inner;
    statement.trail = style.eol;
    return statement;
  });
  return {
    type: "block",
    file,
    leading: "",
    head,
    open: punct("{", " "),
    openTrail: style.eol,
    body,
    close: punct("}", indent),
    closeSemi: null,
    trail: "",
  };
}

/** Inserts `node` at `index`, laid out like its neighbours. */
export function insertAt(place: Place, index: number, node: Statement): void {
  const { container } = place;
  const body = container.body;
  const style = styleOf(place.file);
  if (body.length === 0 && isFile(container) && container.trailing !== "") {
    // A file of only comments: the new statement goes after them.
    const trailing = container.trailing;
    container.trailing = "";
    node.leading = (trailing.endsWith("\n") ? trailing : trailing + style.eol) + childIndent(place, style);
    node.trail = style.eol;
    body.push(node);
    return;
  }
  if (!isMultiline(container)) {
    node.leading = " ";
    node.trail = "";
    body.splice(index, 0, node);
    return;
  }

  const indent = childIndent(place, style);
  const previous = body[index - 1];
  const next = body[index];
  const lineOpen = previous ? !previous.trail.endsWith("\n") : !isFile(container) && !container.openTrail.endsWith("\n");
  let separated: boolean;
  if (next) {
    const { detached, attached } = splitLeading(next.leading);
    separated = endsWithBlankLine(detached);
    node.leading = detached + indent;
    next.leading = (separated ? style.eol : "") + attached;
  } else {
    separated = previous !== undefined && startsWithBlankLine(previous.leading);
    node.leading = (separated ? style.eol : "") + indent;
  }
  if (lineOpen) node.leading = style.eol + node.leading;
  node.trail = style.eol;

  if (!next) {
    if (isFile(container)) {
      // Keep a missing final newline missing.
      if (lineOpen && container.trailing === "") node.trail = "";
    } else if (!container.close.pre.includes("\n")) {
      container.close.pre = place.owner ? indentOf(place.owner) : "";
    }
  }
  body.splice(index, 0, node);
}

/** Removes the statement at `index` with its line; comments above it stay in the file. */
export function removeAt(container: Container, index: number, style: Style): Statement {
  const [removed] = container.body.splice(index, 1);
  if (!removed) throw new RangeError(`no statement at index ${index}`);
  const { detached, attached } = splitLeading(removed.leading);
  const kept = detached + attached.slice(0, attached.length - lastLine(attached).length);
  const next = container.body[index];
  const following = next ? next.leading : isFile(container) ? container.trailing : container.close.pre;
  const lineWasOpen = index > 0 ? !container.body[index - 1]?.trail.endsWith("\n") : !isFile(container) && !container.openTrail.endsWith("\n");
  let merged: string;
  if (!next && !isFile(container) && lineWasOpen && startsWithBlankLine(removed.leading) && !startsWithBlankLine(following)) {
    // It had moved "}" to a line of its own; keep it there rather than after the last token.
    merged = style.eol + following;
  } else if (kept.includes("#")) {
    merged = endsWithBlankLine(kept) && startsWithBlankLine(following) ? kept + dropFirstLine(following) : kept + following;
  } else if (next && startsWithBlankLine(removed.leading) && !startsWithBlankLine(following)) {
    merged = style.eol + following;
  } else {
    merged = following;
  }
  if (next) next.leading = merged;
  else if (isFile(container)) container.trailing = merged;
  else container.close.pre = merged;
  return removed;
}

/** Puts `node` where the statement at `index` was, keeping that statement's comments and line. */
export function replaceAt(container: Container, index: number, node: Statement): Statement {
  const old = container.body[index];
  if (!old) throw new RangeError(`no statement at index ${index}`);
  node.leading = old.leading;
  node.trail = old.trail;
  container.body[index] = node;
  return old;
}

/**
 * Re-indents a statement copied from elsewhere so that lines indented `fromIndent` (+ units of
 * `from.unit`) are indented `toIndent` (+ units of `to.unit`), and converts line endings. Its own
 * leading and trail are left for insertAt/replaceAt; string contents are never touched.
 */
export function restyle(node: Statement, fromIndent: string, from: Style, toIndent: string, to: Style): void {
  const reindent = (ws: string): string => {
    if (!ws.startsWith(fromIndent)) return ws;
    let rest = ws.slice(fromIndent.length);
    let levels = 0;
    while (from.unit !== "" && rest.startsWith(from.unit)) {
      rest = rest.slice(from.unit.length);
      levels++;
    }
    return toIndent + to.unit.repeat(levels) + rest;
  };
  const transform = (text: string, atLineStart: boolean, beforeToken: boolean): string => {
    if (!text.includes("\n") && !atLineStart) return text;
    const lines = text.split(/\r?\n/);
    return lines
      .map((line, k) => {
        if (k === 0 && !atLineStart) return line;
        const last = k === lines.length - 1;
        if (last && !beforeToken) return line;
        if (!last && line.trim() === "") return line;
        const ws = /^[ \t]*/.exec(line)?.[0] ?? "";
        return reindent(ws) + line.slice(ws.length);
      })
      .join(to.eol);
  };
  let atLineStart = false;
  const field = (text: string, beforeToken: boolean): string => {
    const out = transform(text, atLineStart, beforeToken);
    if (text !== "") atLineStart = text.endsWith("\n");
    return out;
  };
  // A statement's first token has no trivia of its own: its indentation is in the leading.
  const token = (t: Token, first = false): void => {
    if (!first) t.pre = field(t.pre, true);
    atLineStart = false;
  };
  const branch = (b: Branch, first: boolean): void => {
    b.head.forEach((t, i) => token(t, first && i === 0));
    token(b.open);
    b.openTrail = field(b.openTrail, false);
    for (const child of b.body) statement(child);
    token(b.close);
  };
  const statement = (s: Statement, top = false): void => {
    if (!top) s.leading = field(s.leading, true);
    switch (s.type) {
      case "simple":
        s.tokens.forEach((t, i) => token(t, i === 0));
        token(s.semi);
        break;
      case "label":
        s.tokens.forEach((t, i) => token(t, i === 0));
        break;
      case "block":
        branch(s, true);
        if (s.closeSemi) token(s.closeSemi);
        break;
      case "conditional":
        s.branches.forEach((b, i) => branch(b, i === 0));
        break;
    }
    if (!top) s.trail = field(s.trail, false);
  };
  statement(node, true);
}

function isFile(container: Container): container is ConfFile {
  return (container as ConfFile).type === "file";
}

/** Whether statements in the container sit on lines of their own (files always do). */
function isMultiline(container: Container): boolean {
  if (isFile(container) || container.body.length === 0) return true;
  return container.openTrail.endsWith("\n") || closeStartsLine(container) || container.body.some((_, i) => startsLine(container, i));
}

/** Whether the statement at `index` begins a line (so its leading ends with its indentation). */
function startsLine(container: Container, index: number): boolean {
  const statement = container.body[index];
  if (!statement) return false;
  if (statement.leading.includes("\n")) return true;
  const previous = container.body[index - 1];
  if (previous) return previous.trail.endsWith("\n");
  return isFile(container) || container.openTrail.endsWith("\n");
}

function closeStartsLine(branch: Branch): boolean {
  if (branch.close.pre.includes("\n")) return true;
  const last = branch.body[branch.body.length - 1];
  return last ? last.trail.endsWith("\n") : branch.openTrail.endsWith("\n");
}

/**
 * Splits a statement's leading trivia at its last blank line: `detached` (up to and including it)
 * stays above anything inserted before the statement; `attached` (comments directly above it and
 * its indentation) stays with it.
 */
function splitLeading(leading: string): { detached: string; attached: string } {
  const blank = /\n[ \t\r\v\f]*\n/g;
  let cut = 0;
  for (let match = blank.exec(leading); match; match = blank.exec(leading)) {
    cut = match.index + match[0].length;
    blank.lastIndex = match.index + 1;
  }
  if (cut === 0 && /^[ \t\r\v\f]*\n/.test(leading)) cut = (/^[ \t\r\v\f]*\n/.exec(leading)?.[0] ?? "").length;
  return { detached: leading.slice(0, cut), attached: leading.slice(cut) };
}

function startsWithBlankLine(leading: string): boolean {
  return /^[ \t\r\v\f]*\n/.test(leading);
}

function endsWithBlankLine(text: string): boolean {
  return text !== "" && /(^|\n)[ \t\r\v\f]*\n$/.test(text);
}

function dropFirstLine(text: string): string {
  return text.slice(text.indexOf("\n") + 1);
}

function lastLine(text: string): string {
  return text.slice(text.lastIndexOf("\n") + 1);
}

/** The indent unit the file already uses: the extra indentation of a block's first child over the block. */
function inferUnit(file: ConfFile): string | undefined {
  const search = (container: Container): string | undefined => {
    for (const [i, statement] of container.body.entries()) {
      for (const branch of bodiesOf(statement)) {
        const child = branch.body.findIndex((_, k) => startsLine(branch, k));
        if (child >= 0 && startsLine(container, i)) {
          const outer = indentOf(statement);
          const inner = lastLine(branch.body[child]?.leading ?? "");
          if (inner.startsWith(outer) && inner.length > outer.length) return inner.slice(outer.length);
        }
        const nested = search(branch);
        if (nested) return nested;
      }
    }
    return undefined;
  };
  return search(file);
}
