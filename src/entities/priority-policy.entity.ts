import { Column, Entity, PrimaryColumn, UpdateDateColumn } from "typeorm";

/** The one stored priority policy (id = 1); absent means the built-in default. */
@Entity("priority_policy")
export class PriorityPolicyRow {
  @PrimaryColumn("smallint") id: number;
  @Column("jsonb") policy: Record<string, unknown>;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
}
