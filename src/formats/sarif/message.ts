import { MAX_TITLE_CHARS } from "./types";
import { arr, get, isObj, msgText, str, text } from "./values";

/**
 * SARIF §3.11: message.text, else message.id looked up in the rule's messageStrings, then the
 * tool component's globalMessageStrings; {n} placeholders take arguments[n], "{{"/"}}" are literal braces.
 */
export function renderMessage(message: unknown, rule: unknown, component: unknown): string | null {
  if (typeof message === "string") return cleanLinks(message); // not SARIF, but unambiguous
  const args = arr(get(message, "arguments")).map((a) => (typeof a === "string" ? a : JSON.stringify(a)));
  let template = text(get(message, "text"));
  if (template === null) {
    const id = str(get(message, "id"));
    if (id !== null) {
      template = msgText(get(get(rule, "messageStrings"), id)) ?? msgText(get(get(component, "globalMessageStrings"), id));
    }
  }
  if (template === null) return null;
  const filled = args.length || /\{\{|\}\}/.test(template) ? fillPlaceholders(template, args) : template;
  return cleanLinks(filled);
}

function fillPlaceholders(template: string, args: string[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (m, idx: string | undefined) => {
    if (m === "{{") return "{";
    if (m === "}}") return "}";
    const i = Number(idx);
    return i < args.length ? args[i] : m;
  });
}

/** Plain-text SARIF messages link to related locations as "[text](1)"; keep the text. URL links are kept whole. */
export function cleanLinks(s: string): string {
  return s.replace(/\[((?:\\.|[^\]\\])*)\]\((\d+)\)/g, (_m, label: string) => label.replace(/\\([[\]])/g, "$1"));
}

function collapse(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** PascalCase rule names (BinSkim "EnableSecureSourceCodeHashing") read better as words. */
function humanizeName(name: string): string {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(name)) return name;
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z])([A-Z][a-z])/g, "$1 $2");
}

/** Fortify-converted rules carry unexpanded <Replace key="…"/> markup; prefer a line without it. */
function bestLine(s: string): string {
  const lines = s.split(/\r?\n/).map(collapse).filter(Boolean);
  const clean = lines.find((l) => !/<Replace key=/.test(l));
  return clean ?? collapse((lines[0] ?? "").replace(/<Replace key="([^"]*)"\s*\/>/g, "<$1>"));
}

function firstSentence(s: string): string {
  const line = s.split(/\r?\n/).map(collapse).find(Boolean) ?? "";
  const m = /^(.+?[.!?])(\s|$)/.exec(line);
  return m ? m[1] : line;
}

function cap(s: string): string {
  return s.length <= MAX_TITLE_CHARS ? s : s.slice(0, MAX_TITLE_CHARS - 1) + "…";
}

/** Title from the rule: its shortDescription, else a name that is not just the id; null when neither helps. */
export function ruleTitle(rule: unknown, ruleId: string): string | null {
  const short = msgText(get(rule, "shortDescription"));
  if (short) {
    const line = bestLine(short);
    if (line) return cap(line);
  }
  const name = isObj(rule) ? text(get(rule, "name")) : null;
  if (name && name !== ruleId) return cap(humanizeName(name));
  return null;
}

/** Fallback title: the message's first sentence. */
export function messageTitle(message: string, ruleId: string): string {
  return cap(firstSentence(message) || ruleId);
}
