import { Field, ID, InterfaceType } from "type-graphql";

/**
 * Relay Node. Entities keep their database uuid in `id`; the GraphQL `id` is
 * the opaque global ID computed by each entity's `nodeId` getter.
 */
@InterfaceType("Node", { description: "An object with a stable, opaque global ID (Relay)." })
export abstract class Node {
  @Field(() => ID, { name: "id", description: "Opaque global ID; pass it to node(id:)." })
  readonly nodeId: string;
}
