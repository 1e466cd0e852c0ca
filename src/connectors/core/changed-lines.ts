/**
 * The lines a pull request changed, on the new side of each file: from a
 * unified diff's hunks (GitHub's `patch` of each pull request file) or from
 * line blocks (Azure DevOps file diffs). Pure.
 *
 * Only added lines count (a `+` line, or the new side of a modified block):
 * a finding on an untouched context line was not introduced by the pull request.
 */
import type { LineRange } from "./pull-requests";
export type { LineRange };

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** New-side line ranges a unified patch adds, merged and sorted. A patch without hunks adds nothing. */
export function addedLines(patch: string | null | undefined): LineRange[] {
  if (!patch) return [];
  const out: LineRange[] = [];
  let line = 0;
  let inHunk = false;
  for (const raw of patch.split("\n")) {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const h = HUNK.exec(text);
    if (h) { line = Number(h[1]); inHunk = true; continue; }
    if (!inHunk) continue;
    if (text.startsWith("+")) { push(out, line, line); line++; }
    else if (text.startsWith("-")) { /* old side only */ }
    else if (text.startsWith("\\")) { /* "\ No newline at end of file" */ }
    else line++; // context (a leading space, or an empty line the API trimmed)
  }
  return out;
}

/** Azure DevOps lineDiffBlocks: Add (1) and Edit (3) blocks' modified lines. */
export function blockLines(blocks: { changeType: number | string; modifiedLineNumberStart: number; modifiedLinesCount: number }[]): LineRange[] {
  const out: LineRange[] = [];
  for (const b of [...blocks].sort((x, y) => x.modifiedLineNumberStart - y.modifiedLineNumberStart)) {
    const type = typeof b.changeType === "string" ? b.changeType.toLowerCase() : b.changeType;
    const adds = type === 1 || type === 3 || type === "add" || type === "edit";
    if (adds && b.modifiedLinesCount > 0) push(out, b.modifiedLineNumberStart, b.modifiedLineNumberStart + b.modifiedLinesCount - 1);
  }
  return out;
}

/** Whether [start, end] touches a changed range (a finding without a line is not on a changed line). */
export function touches(ranges: LineRange[], start: number | null, end: number | null): boolean {
  if (start == null) return false;
  const last = end != null && end >= start ? end : start;
  return ranges.some(([a, b]) => start <= b && last >= a);
}

function push(out: LineRange[], start: number, end: number): void {
  const prev = out[out.length - 1];
  if (prev && start <= prev[1] + 1) prev[1] = Math.max(prev[1], end);
  else out.push([start, end]);
}
