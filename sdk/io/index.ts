/** Input files: bounded reads (a size limit on every file), `-` for standard input; user text echoed in messages, capped. */
export * from "./echo";
export * from "./read-input";
