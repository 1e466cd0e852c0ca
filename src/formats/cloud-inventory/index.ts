export { CloudResourceRecord, CloudInputError, parseCloudNdjson, parseCloudResource } from "./resource.parse";
