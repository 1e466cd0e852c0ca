export { InventoryService } from "./inventory.service";
