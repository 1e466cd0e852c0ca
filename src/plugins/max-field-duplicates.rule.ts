import { ASTVisitor, Kind, SelectionSetNode, ValidationContext, ValidationRule } from "graphql";
import { LimitExceededError } from "../common/errors";

export interface MaxFieldDuplicatesOptions {
  /** How often one response key (or one fragment spread) may appear in one selection set (default 5). */
  maxDuplicates?: number;
}

/**
 * Field duplication (`{ viewer { name name name … } }`) is cheap to send and
 * costly to validate: graphql-js compares every pair of same-named fields
 * (OverlappingFieldsCanBeMerged, quadratic). Real clients repeat a key only a
 * few times (when merging fragments), so a small cap rejects the attack first.
 */
export function maxFieldDuplicatesRule(options: MaxFieldDuplicatesOptions = {}): ValidationRule {
  const n = options.maxDuplicates ?? 5;
  return (_context: ValidationContext): ASTVisitor => ({
    SelectionSet(node: SelectionSetNode) {
      const counts = new Map<string, number>();
      for (const sel of node.selections) {
        let key: string;
        if (sel.kind === Kind.FIELD) key = (sel.alias ?? sel.name).value;
        else if (sel.kind === Kind.FRAGMENT_SPREAD) key = `...${sel.name.value}`;
        else key = `... on ${sel.typeCondition?.name.value ?? "*"}`; // inline fragments nest fields just the same

        const c = (counts.get(key) ?? 0) + 1;
        if (c > n) throw new LimitExceededError(`"${key.slice(0, 60)}" appears more than ${n} times in one selection set`, "fieldDuplicates");
        counts.set(key, c);
      }
    },
  });
}
