import { test } from "node:test";
import assert from "node:assert/strict";
import { addedLines, blockLines, touches } from "./changed-lines";

test("added lines from a unified patch: + lines on the new side, context moves the counter, - lines do not", () => {
  const patch = [
    "@@ -1,4 +1,5 @@",
    " line one",
    "-old two",
    "+new two",
    "+new three",
    " line four",
    " line five",
    "@@ -20,3 +21,4 @@ function f() {",
    " a",
    "+b",
    " c",
    "\\ No newline at end of file",
  ].join("\n");
  assert.deepEqual(addedLines(patch), [[2, 3], [22, 22]]);
});

test("a new file is all added; a deletion or a binary file (no patch) adds nothing", () => {
  assert.deepEqual(addedLines("@@ -0,0 +1,3 @@\n+a\n+b\n+c"), [[1, 3]]);
  assert.deepEqual(addedLines("@@ -1,2 +0,0 @@\n-a\n-b"), []);
  assert.deepEqual(addedLines(undefined), []);
  assert.deepEqual(addedLines("@@ -5 +5 @@\n-x\n+y\r\n"), [[5, 5]]);
});

test("Azure DevOps line blocks: Add and Edit count, Delete and None do not", () => {
  assert.deepEqual(blockLines([
    { changeType: 2, modifiedLineNumberStart: 4, modifiedLinesCount: 0 },
    { changeType: 1, modifiedLineNumberStart: 10, modifiedLinesCount: 3 },
    { changeType: 3, modifiedLineNumberStart: 13, modifiedLinesCount: 1 },
    { changeType: 0, modifiedLineNumberStart: 20, modifiedLinesCount: 5 },
    { changeType: "edit", modifiedLineNumberStart: 30, modifiedLinesCount: 2 },
  ]), [[10, 13], [30, 31]]);
});

test("touches: overlap of a finding's lines with a changed range", () => {
  const r: [number, number][] = [[2, 3], [22, 22]];
  assert.equal(touches(r, 3, 3), true);
  assert.equal(touches(r, 1, 2), true);
  assert.equal(touches(r, 4, 21), false);
  assert.equal(touches(r, 20, 30), true);
  assert.equal(touches(r, null, null), false);
  assert.equal(touches(r, 22, null), true);
});
