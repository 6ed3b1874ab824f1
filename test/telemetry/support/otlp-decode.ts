/**
 * Decodes an OTLP ExportTraceServiceRequest (protobuf) into plain spans, for the test's receiver.
 *
 * Written here rather than generated: the exporter's own package ships only encoders, and
 * @grpc/proto-loader would need the OTLP .proto files vendored into the tree. The wire format is
 * small (varints, fixed-width numbers, length-delimited fields), and decoding with code independent
 * of the exporter's encoder checks what actually goes over the wire. Field numbers are those of
 * opentelemetry/proto/{collector/trace,trace,common,resource}/v1 in the OTLP specification.
 */

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  attributes: Record<string, AttributeValue>;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  resource: Record<string, AttributeValue>;
  scope: string;
}

interface Field {
  field: number;
  wire: number;
  varint: bigint;
  bytes: Buffer;
}

/** Every field of one message, in order; fields repeat for repeated members. */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error("truncated varint");
      const byte = buf[pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  const take = (n: number): Buffer => {
    if (pos + n > buf.length) throw new Error("truncated field");
    const b = buf.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    const empty = Buffer.alloc(0);
    if (wire === 0) out.push({ field, wire, varint: varint(), bytes: empty });
    else if (wire === 1) out.push({ field, wire, varint: 0n, bytes: take(8) });
    else if (wire === 2) out.push({ field, wire, varint: 0n, bytes: take(Number(varint())) });
    else if (wire === 5) out.push({ field, wire, varint: 0n, bytes: take(4) });
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

function anyValue(buf: Buffer): AttributeValue {
  for (const f of fields(buf)) {
    switch (f.field) {
      case 1:
        return f.bytes.toString("utf8");
      case 2:
        return f.varint !== 0n;
      case 3:
        return Number(BigInt.asIntN(64, f.varint));
      case 4:
        return f.bytes.readDoubleLE(0);
      case 5:
        return fields(f.bytes)
          .filter((v) => v.field === 1)
          .map((v) => anyValue(v.bytes));
      case 6:
        return keyValues(fields(f.bytes).filter((v) => v.field === 1));
      case 7:
        return f.bytes.toString("hex");
    }
  }
  return "";
}

function keyValues(list: Field[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list) {
    let key = "";
    let value: AttributeValue = "";
    for (const f of fields(kv.bytes)) {
      if (f.field === 1) key = f.bytes.toString("utf8");
      if (f.field === 2) value = anyValue(f.bytes);
    }
    out[key] = value;
  }
  return out;
}

function span(buf: Buffer, resource: Record<string, AttributeValue>, scope: string): ReceivedSpan {
  const s: ReceivedSpan = {
    traceId: "",
    spanId: "",
    parentSpanId: "",
    name: "",
    attributes: {},
    status: { code: 0, message: "" },
    resource,
    scope,
  };
  const attributes: Field[] = [];
  for (const f of fields(buf)) {
    if (f.field === 1) s.traceId = f.bytes.toString("hex");
    else if (f.field === 2) s.spanId = f.bytes.toString("hex");
    else if (f.field === 4) s.parentSpanId = f.bytes.toString("hex");
    else if (f.field === 5) s.name = f.bytes.toString("utf8");
    else if (f.field === 9) attributes.push(f);
    else if (f.field === 15) {
      for (const st of fields(f.bytes)) {
        if (st.field === 2) s.status.message = st.bytes.toString("utf8");
        if (st.field === 3) s.status.code = Number(st.varint);
      }
    }
  }
  s.attributes = keyValues(attributes);
  return s;
}

/** The spans of one export request, each with its resource's attributes and its scope's name. */
export function decodeExportTraceRequest(buf: Buffer): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of fields(buf).filter((f) => f.field === 1)) {
    const parts = fields(rs.bytes);
    const resourceField = parts.find((f) => f.field === 1);
    const resource = resourceField ? keyValues(fields(resourceField.bytes).filter((f) => f.field === 1)) : {};
    for (const ss of parts.filter((f) => f.field === 2)) {
      const scopeParts = fields(ss.bytes);
      const scopeField = scopeParts.find((f) => f.field === 1);
      const scope = scopeField
        ? (fields(scopeField.bytes)
            .find((f) => f.field === 1)
            ?.bytes.toString("utf8") ?? "")
        : "";
      for (const sp of scopeParts.filter((f) => f.field === 2)) out.push(span(sp.bytes, resource, scope));
    }
  }
  return out;
}
