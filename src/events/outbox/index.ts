// The event log's write side: what every domain that changes findings appends to, in its own transaction.
export { EventLogSubscriber, appendEvents, type EventRow, eventCommits, EVENT_CHANNEL, EVENT_COMMIT_LOCK } from "./outbox";
