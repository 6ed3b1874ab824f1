/**
 * A tool call that cannot give its answer: a stable code (the hub API's own, such as HOST_NOT_FOUND
 * or SERIES_QUERY, or an MCP refusal such as DANGER_NOT_ALLOWED), a message for the assistant, and
 * the argument at fault. `refusal` marks a policy decision rather than a failure, for the audit;
 * `requestId` links the audit row to the action request the call made before it was refused.
 */
export class ToolError extends Error {
  override readonly name = "ToolError";
  readonly code: string;
  readonly field: string | undefined;
  readonly refusal: boolean;
  readonly requestId: string | undefined;

  constructor(code: string, message: string, o: { field?: string | undefined; refusal?: boolean; requestId?: string } = {}) {
    super(message);
    this.code = code;
    this.field = o.field;
    this.refusal = o.refusal ?? false;
    this.requestId = o.requestId;
  }
}
