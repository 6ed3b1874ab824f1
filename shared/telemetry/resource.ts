import { defaultResource, type Resource, resourceFromAttributes } from "@opentelemetry/resources";
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";

/**
 * host.name is still in the incubating part of the semantic conventions, whose entry point loads
 * thousands of constants; the conventions' own advice is to copy such a name rather than import it.
 */
export const ATTR_HOST_NAME = "host.name";

export interface ServiceIdentity {
  /** vigil-hub, vigil-agent, or the configured telemetry.serviceName. */
  serviceName: string;
  version: string;
  /** The agent's id; a random UUID per start for the hub. */
  instanceId: string;
  hostName: string;
  /** telemetry.resourceAttributes; they cannot replace the four above. */
  extra: Readonly<Record<string, string>>;
}

/** The resource every span of this process carries: the SDK's own attributes, the user's, then Vigil's. */
export function serviceResource(id: ServiceIdentity): Resource {
  return defaultResource()
    .merge(resourceFromAttributes({ ...id.extra }))
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: id.serviceName,
        [ATTR_SERVICE_VERSION]: id.version,
        [ATTR_SERVICE_INSTANCE_ID]: id.instanceId,
        [ATTR_HOST_NAME]: id.hostName,
      }),
    );
}
