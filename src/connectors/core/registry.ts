import { UserInputError } from "../../common/errors";
import type { ConnectorProvider } from "../../common/types";
import type { ConnectorDefinition } from "./connector";

/** The connectors this build knows, by provider. Adding one is one register() in connectors/index.ts. */
export class ConnectorRegistry {
  private readonly byProvider = new Map<ConnectorProvider, ConnectorDefinition<unknown>>();

  register<C>(def: ConnectorDefinition<C>): this {
    this.byProvider.set(def.provider, def as ConnectorDefinition<unknown>);
    return this;
  }

  /** The connector of `provider`; a provider without one is the caller's mistake (BAD_USER_INPUT). */
  get(provider: ConnectorProvider | undefined): ConnectorDefinition<unknown> {
    const def = provider ? this.byProvider.get(provider) : undefined;
    if (!def) throw new UserInputError(`provider: no connector for ${provider ?? "(none)"}; available: ${this.providers().join(", ")}`);
    return def;
  }

  providers(): ConnectorProvider[] { return [...this.byProvider.keys()]; }
}
