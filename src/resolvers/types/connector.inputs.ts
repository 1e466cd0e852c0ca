import { Field, ID, InputType } from "type-graphql";
import { ConnectorProvider } from "../../entities/enums";

@InputType("CreateConnectorInput", { description: "A connector to GitHub (token or GitHub App) or Azure DevOps. Credentials are write-only: no query returns them." })
export class CreateConnectorInput {
  @Field(() => ConnectorProvider) provider: ConnectorProvider;
  @Field(() => String, { description: "GitHub organization login or Azure DevOps organization name." }) organization: string;
  @Field(() => String, { nullable: true, description: "API URL: https://api.github.com (default) or a GitHub Enterprise Server https://host/api/v3; Azure DevOps: https://dev.azure.com/{organization} (default) or a Server collection URL." }) url?: string;
  @Field(() => String, { nullable: true, description: "A token (fine-grained or classic PAT). Write-only. Give this or the GitHub App fields." }) token?: string;
  @Field(() => String, { nullable: true, description: "GitHub App ID (with installationId and privateKey, instead of token)." }) appId?: string;
  @Field(() => String, { nullable: true, description: "The App's installation ID on the organization." }) installationId?: string;
  @Field(() => String, { nullable: true, description: "The App's private key (PEM). Write-only." }) privateKey?: string;
  @Field(() => [String], { nullable: true, description: "Azure DevOps: the projects to sync (default all)." }) projects?: string[];
  @Field(() => String, { nullable: true, description: "Cron expression; hourly (\"0 * * * *\") by default." }) schedule?: string;
  @Field(() => Boolean, { nullable: true, description: "Scheduled runs happen only when enabled (default true); triggerSync works either way." }) enabled?: boolean;
}

@InputType("UpdateConnectorInput", { description: "Changes to a connector; omitted fields stay. New credentials replace the old ones." })
export class UpdateConnectorInput {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) url?: string;
  @Field(() => String, { nullable: true, description: "Write-only." }) token?: string;
  @Field(() => String, { nullable: true }) appId?: string;
  @Field(() => String, { nullable: true }) installationId?: string;
  @Field(() => String, { nullable: true, description: "Write-only." }) privateKey?: string;
  @Field(() => [String], { nullable: true, description: "Azure DevOps: the projects to sync; null or [] for all." }) projects?: string[] | null;
  @Field(() => String, { nullable: true }) schedule?: string;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean;
}
