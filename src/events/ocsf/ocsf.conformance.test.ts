/**
 * Every category × event type × (full, sparse, CWE-only) finding is mapped and
 * checked against the REQUIRED table in ocsf.schema.ts: required attributes
 * present, enum ids in range with matching captions, type_uid consistent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FindingCategory, FindingEventType } from "../../common/types";
import { toOcsf } from "./ocsf.mapper";
import { OCSF_OBJECT_REQUIRED, OCSF_REQUIRED, OcsfClass, checkOcsfEvent } from "./ocsf.schema";
import { event, fullFinding, sparseFinding, stateAfter } from "../../../test/fixtures/ocsf.fixtures";

const variants = {
  full: fullFinding,
  sparse: sparseFinding,
  cweOnly: (o: object) => sparseFinding({ cwes: ["CWE-79"], ...o }),
  cveNoVector: (o: object) => sparseFinding({ vulnerabilityId: "GHSA-xxxx-yyyy-zzzz", cvssScore: 7.1, ...o }),
};

function noNulls(v: unknown, path: string): void {
  assert.notEqual(v, null, `${path} is null`);
  if (Array.isArray(v)) v.forEach((x, i) => noNulls(x, `${path}[${i}]`));
  else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) noNulls(x, `${path}.${k}`);
}

for (const category of Object.values(FindingCategory)) {
  for (const eventType of Object.values(FindingEventType)) {
    test(`OCSF conformance: ${category} × ${eventType}`, () => {
      for (const [name, make] of Object.entries(variants)) {
        const owner = eventType === FindingEventType.ASSIGNED ? "team-api" : null;
        const e = toOcsf(event(eventType, make({ category, state: stateAfter(eventType), owner })));
        assert.deepEqual(checkOcsfEvent(e), [], `${name}: ${JSON.stringify(e)}`);
        for (const k of OCSF_REQUIRED[e.class_uid as OcsfClass]) assert.ok(k in e, `${name}: ${k}`);
        noNulls(e, name);
        assert.deepEqual(JSON.parse(JSON.stringify(e)), e, `${name}: plain JSON`);
      }
    });
  }
}

test("the checker reports what the table requires", () => {
  const good = toOcsf(event(FindingEventType.CREATED, fullFinding()));
  const broken = (change: (e: any) => void) => {
    const e = JSON.parse(JSON.stringify(good));
    change(e);
    return checkOcsfEvent(e);
  };
  assert.deepEqual(broken((e) => { delete e.vulnerabilities; }), ["missing required vulnerabilities for class 2002"]);
  assert.deepEqual(broken((e) => { delete e.finding_info.uid; }), ["missing required finding_info.uid"]);
  assert.deepEqual(broken((e) => { delete e.metadata.version; }), ["missing required metadata.version"]);
  assert.deepEqual(broken((e) => { delete e.vulnerabilities[0].cve.cvss[0].version; }),
    ["missing required vulnerabilities[0].cve.cvss[0].version"]);
  assert.deepEqual(broken((e) => { delete e.vulnerabilities[0].cve; delete e.vulnerabilities[0].cwe; }),
    ["vulnerabilities[0] needs at least one of cve, cwe"]);
  assert.deepEqual(broken((e) => { e.type_uid = 200202; }), ["type_uid 200202 is not class_uid*100+activity_id"]);
  assert.deepEqual(broken((e) => { e.status_id = 7; }), ["status_id 7 is not one of 1, 2, 3, 4"]);
  assert.deepEqual(broken((e) => { e.severity = "High"; e.severity_id = 5; }),
    ['severity "High" does not match severity_id 5 ("Critical")']);
  assert.deepEqual(broken((e) => { e.class_uid = 2001; }), ["class_uid 2001 is not one we emit"]);
  const compliance = toOcsf(event(FindingEventType.CREATED, fullFinding({ category: FindingCategory.IAC })));
  delete (compliance.compliance as any).standards;
  assert.deepEqual(checkOcsfEvent(compliance), ["missing required compliance.standards"]);
});

test("the object table covers every object path the mapper can emit", () => {
  for (const p of ["finding_info", "metadata", "metadata.product", "vulnerabilities[].cve", "compliance"]) {
    assert.ok(p in OCSF_OBJECT_REQUIRED, p);
  }
});
