import { type sendUnaryData, Server, ServerCredentials, type ServerUnaryCall, type ServiceDefinition } from "@grpc/grpc-js";
import { afterEach } from "vitest";
import { waitFor } from "../../support/processes.ts";
import { decodeExportTraceRequest, type ReceivedSpan } from "./otlp-decode.ts";

export interface OtlpReceiver {
  /** What the exporters are given: http:// (plaintext gRPC) on 127.0.0.1 and a free port. */
  url: string;
  spans: ReceivedSpan[];
  /** Export calls received. */
  exports: number;
  /** Waits (bounded) for a span `match` accepts. */
  span(what: string, match: (s: ReceivedSpan) => boolean, timeoutMs?: number): Promise<ReceivedSpan>;
}

/**
 * The OTLP/gRPC trace service, as a collector offers it on 4317, with the method's path and the
 * test's own decoder (otlp-decode.ts) in place of generated code. The answer, an empty
 * ExportTraceServiceResponse, is zero bytes of protobuf.
 */
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => decodeExportTraceRequest(bytes),
    responseSerialize: () => Buffer.alloc(0),
    responseDeserialize: () => ({}),
  },
};

/** Starts receivers on 127.0.0.1; each is shut down after the test. */
export function useOtlpReceivers(): () => Promise<OtlpReceiver> {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.forceShutdown();
  });
  return async () => {
    const server = new Server();
    servers.push(server);
    const receiver: OtlpReceiver = {
      url: "",
      spans: [],
      exports: 0,
      span: (what, match, timeoutMs = 15_000) => waitFor(what, () => receiver.spans.find(match), timeoutMs, 50),
    };
    server.addService(TRACE_SERVICE, {
      Export: (call: ServerUnaryCall<ReceivedSpan[], object>, callback: sendUnaryData<object>) => {
        receiver.exports++;
        receiver.spans.push(...call.request);
        callback(null, {});
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    receiver.url = `http://127.0.0.1:${port}`;
    return receiver;
  };
}
