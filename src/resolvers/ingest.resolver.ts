import { GraphQLJSON } from "graphql-scalars";
import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from "type-graphql";
import { Context } from "../context";
import { Scope } from "../common/types";
import { IngestFormat, IngestSummary as Summary } from "../ingest";

@InputType("IngestSarifInput")
export class IngestSarifInput {
  @Field(() => String, { description: "Full name (acme/api, org/project/repo) or a Repository ID; an unknown full name creates the repository." }) repository: string;
  @Field(() => GraphQLJSON, { description: "The SARIF 2.1.0 log." }) sarif: unknown;
  @Field(() => String, { nullable: true }) commit?: string;
  @Field(() => String, { nullable: true, description: "Git ref; absent or the default branch loads findings, any other ref stores observations." }) ref?: string;
  @Field(() => String, { nullable: true, description: "Analysis category (one scanning job); overrides automationDetails.id." }) category?: string;
}

@InputType("IngestCycloneDxInput")
export class IngestCycloneDxInput {
  @Field(() => String) repository: string;
  @Field(() => GraphQLJSON, { description: "The CycloneDX BOM / VEX document (JSON)." }) bom: unknown;
  @Field(() => String, { nullable: true }) commit?: string;
  @Field(() => String, { nullable: true }) ref?: string;
  @Field(() => String, { nullable: true }) category?: string;
}

@ObjectType("IngestSummary", { description: "What one upload changed." })
export class IngestSummary {
  @Field(() => ID, { description: "The ImportRun's ID." }) id: string;
  @Field(() => String) status: string;
  @Field(() => Int) results: number;
  @Field(() => Int) created: number;
  @Field(() => Int) updated: number;
  @Field(() => Int) unchanged: number;
  @Field(() => Int) fixed: number;
  @Field(() => Int) reopened: number;
  @Field(() => Int) dismissed: number;
  @Field(() => [String]) warnings: string[];
}

@Resolver()
export class IngestResolver {
  @Authorized(Scope.INGEST)
  @Mutation(() => IngestSummary, { description: "Uploads a SARIF log (same rules as POST /ingest/sarif)." })
  ingestSarif(@Arg("input", () => IngestSarifInput) input: IngestSarifInput, @Ctx() ctx: Context): Promise<Summary> {
    return run(ctx, "SARIF", input, input.sarif);
  }

  @Authorized(Scope.INGEST)
  @Mutation(() => IngestSummary, { description: "Uploads a CycloneDX BOM / VEX (same rules as POST /ingest/cyclonedx)." })
  ingestCycloneDx(@Arg("input", () => IngestCycloneDxInput) input: IngestCycloneDxInput, @Ctx() ctx: Context): Promise<Summary> {
    return run(ctx, "CYCLONEDX", input, input.bom);
  }
}

async function run(ctx: Context, format: IngestFormat, input: { repository: string; commit?: string; ref?: string; category?: string }, doc: unknown): Promise<Summary> {
  return ctx.services.ingest.ingest(ctx.access, {
    repository: input.repository, commit: input.commit, ref: input.ref, category: input.category, format,
    body: Buffer.from(JSON.stringify(doc ?? null), "utf8"),
  });
}
