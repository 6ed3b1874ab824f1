import type { ErrorBody, ErrorDetails } from "../api/error-body.ts";

export type { ErrorBody, ErrorDetails };

/**
 * An error that crosses the HTTP API: a status, a stable machine-readable code
 * (INGEST_SCHEMA, AGENT_TOKEN_INVALID, HOST_NOT_FOUND, ...) and, for input errors, the field.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(status: number, code: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}
