/**
 * Wire protocol version. It changes only for a breaking change; new optional fields are added
 * without a bump, and receivers ignore fields they do not know (objects are parsed non-strict),
 * so an older hub keeps accepting a newer agent's batches.
 */
export const PROTOCOL_VERSION = 1;
