/** A port on 127.0.0.1 that was just closed, so connecting to it is refused. */
export { freePort as closedPort } from "../../../shared/net/free-port.ts";
