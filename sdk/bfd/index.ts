/** Public surface of the sans-IO BFD code (RFC 5880 asynchronous mode, RFC 5881 single hop). */
export * from "./packet";
export * from "./session";
