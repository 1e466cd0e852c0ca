export { AnnotationService, type AnnotateResult, type PullRequestAnnotationRow, type PullRequestHosts } from "./annotation.service";
