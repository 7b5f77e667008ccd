/** Input files: bounded reads (a size limit on every file), `-` for standard input. */
export * from "./read-input";
